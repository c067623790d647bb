"""Every upload in the app: what a file is, decided from its bytes, and how it is served back.

A file is accepted only if its content is one of the kinds its field allows: raster images
are decoded and re-encoded by Pillow (which drops EXIF/GPS metadata and anything appended
after the picture), PDFs must be shaped like a PDF, office documents must carry their
format's signature. What the uploader called the file decides nothing: the stored name is
the app's (a random hex and the extension of the kind found).

Files go back to the browser through ``serve_upload``, with the type decided here from the
content, ``nosniff``, ``attachment`` for anything but an image or a PDF, and a ``sandbox``
Content-Security-Policy, so that even a file stored before these checks existed never runs
script in the app's origin with the reader's session.
"""

import io
import re
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

from .messages import join_list

IMAGE = "image"
PDF = "pdf"
OFFICE = "office"
OTHER = "other"


@dataclass(frozen=True)
class FileType:
    family: str
    extension: str
    content_type: str

    @property
    def inline(self) -> bool:
        """Only what the browser shows without running anything is opened in the page."""
        return self.family in (IMAGE, PDF)


JPEG = FileType(IMAGE, "jpg", "image/jpeg")
PNG = FileType(IMAGE, "png", "image/png")
GIF = FileType(IMAGE, "gif", "image/gif")
WEBP = FileType(IMAGE, "webp", "image/webp")
PDF_FILE = FileType(PDF, "pdf", "application/pdf")
UNKNOWN = FileType(OTHER, "bin", "application/octet-stream")
# Pillow calls many phone cameras' JPEGs (a second, smaller picture inside) "MPO".
IMAGE_TYPES = {"JPEG": JPEG, "MPO": JPEG, "PNG": PNG, "GIF": GIF, "WEBP": WEBP}
_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."
OFFICE_TYPES = {
    "docx": FileType(OFFICE, "docx", _OOXML + "wordprocessingml.document"),
    "xlsx": FileType(OFFICE, "xlsx", _OOXML + "spreadsheetml.sheet"),
    "pptx": FileType(OFFICE, "pptx", _OOXML + "presentationml.presentation"),
    "odt": FileType(OFFICE, "odt", _ODF + "text"),
    "ods": FileType(OFFICE, "ods", _ODF + "spreadsheet"),
    "odp": FileType(OFFICE, "odp", _ODF + "presentation"),
    "doc": FileType(OFFICE, "doc", "application/msword"),
    "xls": FileType(OFFICE, "xls", "application/vnd.ms-excel"),
    "ppt": FileType(OFFICE, "ppt", "application/vnd.ms-powerpoint"),
}
_OOXML_PARTS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
_ODF_MIMETYPES = {t.content_type.encode(): t for t in OFFICE_TYPES.values() if t.content_type.startswith(_ODF)}
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
# Signed scans and course material never need a PDF that runs something when opened.
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|RichMedia)\b")

# What a field accepts, by family; the order is the order the error message lists them in.
PHOTO = (IMAGE,)
SCAN = (PDF, IMAGE)
DOCUMENT = (PDF, OFFICE, IMAGE)
FAMILY_LABELS = {
    IMAGE: gettext_lazy("图片(JPG、PNG、GIF、WEBP)"),
    PDF: gettext_lazy("PDF"),
    OFFICE: gettext_lazy("Office 文档(Word、Excel、PowerPoint 或 WPS/ODF)"),
}
# The browser's file picker hint only (phones offer the camera for image/*); the server decides.
FAMILY_ACCEPT_ATTR = {
    IMAGE: "image/*",
    PDF: "application/pdf,.pdf",
    OFFICE: ",".join("." + ext for ext in OFFICE_TYPES),
}
# Large photos are shrunk on the way in: evidence and visit photos end up in printed
# reports and on phones, and nobody needs more than this to see a banner was hung.
MAX_IMAGE_SIDE = 4096
# The server's small copy of a photo, for lists and PDFs (the long side, in pixels).
THUMBNAIL_SIDE = 480
# What static/js/photos.js shrinks a photo to in the browser before it leaves the phone.
BROWSER_PHOTO_SIDE = 1600
FILE_RESPONSE_CSP = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


class UploadRefused(ValidationError):
    pass


def accepted_description(accept: Iterable[str]) -> str:
    return join_list(FAMILY_LABELS[family] for family in accept)


def max_image_pixels() -> int:
    return settings.UPLOAD_MAX_IMAGE_PIXELS


def size_limit(family: str) -> int:
    return settings.UPLOAD_SIZE_LIMITS[family]


# --- Deciding what a file is


def identify(handle, name: str = "") -> FileType | None:
    """The type of an open binary file from its content (the name only tells .doc from .xls)."""
    handle.seek(0)
    head = handle.read(16)
    handle.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF_FILE
    if head.startswith(_OLE2_MAGIC):
        # The old binary formats share one container; telling them apart would mean parsing
        # it, and they are only ever sent back as downloads.
        return OFFICE_TYPES.get(Path(name).suffix.lower().lstrip("."))
    if head.startswith(_ZIP_MAGIC):
        return _identify_zip(handle)
    return _identify_image(handle)


def _identify_zip(handle) -> FileType | None:
    try:
        with zipfile.ZipFile(handle) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                with archive.open("mimetype") as part:
                    return _ODF_MIMETYPES.get(part.read(100).strip())
            if "[Content_Types].xml" in names and not any(n.lower().endswith("vbaproject.bin") for n in names):
                for prefix, ext in _OOXML_PARTS.items():
                    if any(n.startswith(prefix) for n in names):
                        return OFFICE_TYPES[ext]
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
        return None
    finally:
        handle.seek(0)
    return None


def _identify_image(handle) -> FileType | None:
    try:
        # Image.open reads the header only: no pixels are decoded here.
        with Image.open(handle) as image:
            found = IMAGE_TYPES.get(image.format)
    except Image.DecompressionBombError:
        # Pillow refuses to open it at all; it is still a picture, just one far too big.
        handle.seek(0)
        found = _image_by_magic(handle.read(12))
    except (OSError, SyntaxError, ValueError, EOFError):
        found = None
    handle.seek(0)
    return found


def _image_by_magic(head: bytes) -> FileType | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    return None


def image_is_too_large(handle) -> bool:
    """True for an image whose header promises more pixels than the app ever decodes."""
    handle.seek(0)
    try:
        with Image.open(handle) as image:
            width, height = image.size
    except Image.DecompressionBombError:
        return True
    except (OSError, SyntaxError, ValueError, EOFError):
        return False
    finally:
        handle.seek(0)
    return width * height > max_image_pixels()


# --- Accepting an upload


def clean_upload(upload: UploadedFile, *, accept: Iterable[str]) -> UploadedFile:
    """The file to store for an upload, or UploadRefused saying what this field accepts.

    Images come back re-encoded; every file comes back under a name the app chose.
    """
    accept = tuple(accept)
    found = identify(upload, upload.name or "")
    if found is None or found.family not in accept:
        raise _refuse(
            _("“%(name)s”不是可以上传的文件。这里只接受%(accepted)s。"),
            name=upload.name,
            accepted=accepted_description(accept),
        )
    limit = size_limit(found.family)
    if upload.size > limit:
        raise _refuse(
            _("“%(name)s”太大(%(size).1f MB)：%(kind)s不能超过 %(limit)d MB。"),
            name=upload.name,
            size=upload.size / 1024 / 1024,
            kind=FAMILY_LABELS[found.family],
            limit=limit // 1024 // 1024,
        )
    if found.family == IMAGE:
        content, found = _reencode_image(upload)
        return SimpleUploadedFile(_stored_name(found), content, content_type=found.content_type)
    if found.family == PDF:
        _check_pdf(upload)
    upload.name = _stored_name(found)
    upload.content_type = found.content_type
    return upload


def _refuse(message: str, **params) -> UploadRefused:
    return UploadRefused(message % params, code="upload_refused")


def _stored_name(found: FileType) -> str:
    return f"{uuid.uuid4().hex}.{found.extension}"


def _reencode_image(upload: UploadedFile) -> tuple[bytes, FileType]:
    too_big = _refuse(
        _("“%(name)s”的尺寸太大：图片不能超过 %(limit)d 百万像素，请缩小后再上传。"),
        name=upload.name,
        limit=max_image_pixels() // 1_000_000,
    )
    damaged = _refuse(_("“%(name)s”已损坏，无法作为图片读取，请重新拍摄或导出后上传。"), name=upload.name)
    if image_is_too_large(upload):
        raise too_big
    upload.seek(0)
    try:
        with Image.open(upload) as original:
            found = IMAGE_TYPES[original.format]
            # The first frame only: an animated GIF's frames multiply the pixels, and a
            # still is all evidence needs. exif_transpose keeps phone photos upright
            # once the metadata that said how to turn them is gone.
            image = ImageOps.exif_transpose(original)
            image.load()
    except Image.DecompressionBombError as error:
        raise too_big from error
    except (OSError, SyntaxError, ValueError, EOFError, KeyError) as error:
        raise damaged from error
    image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    output = io.BytesIO()
    if found is JPEG:
        image.convert("RGB").save(output, "JPEG", quality=88)
    else:
        # Everything else is stored as PNG: lossless, keeps transparency, and one less
        # format (GIF, WEBP) to trust further down the line.
        found = PNG
        if image.mode not in ("1", "L", "LA", "RGB", "RGBA"):
            image = image.convert("RGBA")
        image.save(output, "PNG")
    return output.getvalue(), found


def thumbnail_of(file, side: int = THUMBNAIL_SIDE) -> SimpleUploadedFile | None:
    """A small JPEG of a stored (already re-encoded) image, or None if it cannot be read."""
    try:
        file.open("rb")
        with Image.open(file) as original:
            image = original.convert("RGB")
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        return None
    finally:
        file.close()
    image.thumbnail((side, side))
    output = io.BytesIO()
    image.save(output, "JPEG", quality=80)
    return SimpleUploadedFile(f"{uuid.uuid4().hex}.jpg", output.getvalue(), content_type="image/jpeg")


def _check_pdf(upload: UploadedFile) -> None:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    tail = data[-2048:]
    if not _PDF_HEADER.match(data) or b"%%EOF" not in tail or b"startxref" not in tail:
        raise _refuse(_("“%(name)s”不是完整的 PDF 文件，请重新导出或扫描后上传。"), name=upload.name)
    if _PDF_ACTIVE.search(data):
        raise _refuse(_("“%(name)s”含有脚本、附件或自动操作，不能上传；请上传扫描或打印生成的 PDF。"), name=upload.name)


# --- Form fields: every upload field in the app is one of these two.


class UploadField(forms.FileField):
    """A file field that stores only what ``accept`` allows, checked by content."""

    def __init__(self, *, accept: Iterable[str], **kwargs):
        self.accept = tuple(accept)
        kwargs.setdefault("widget", self.widget(attrs={}))
        kwargs.setdefault("help_text", lazy(_help_text, str)(self.accept))
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ",".join(FAMILY_ACCEPT_ATTR[family] for family in self.accept)
        if self.accept == PHOTO:
            # static/js/photos.js: photos go up as JPEGs of this long side, not 10 MB originals
            # (a scanned contract, accepted as an image too, keeps its resolution).
            self.widget.attrs["data-shrink"] = str(BROWSER_PHOTO_SIDE)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if isinstance(upload, UploadedFile):
            return clean_upload(upload, accept=self.accept)
        return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleUploadField(UploadField):
    """Several files at once; cleans to a list, refused whole if any one is refused."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        items = list(data) if isinstance(data, list | tuple) else [data] if data else []
        if not items:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        return [super(MultipleUploadField, self).clean(item, initial) for item in items]


def _help_text(accept: tuple[str, ...]) -> str:
    limits = join_list(
        _("%(kind)s不超过 %(limit)d MB") % {"kind": FAMILY_LABELS[family], "limit": size_limit(family) // 1024 // 1024}
        for family in accept
    )
    return _("可上传%(limits)s。") % {"limits": limits}


# --- Serving an upload back


def serve_upload(file: FieldFile | Path) -> FileResponse:
    """The response for a stored upload: its type decided from its content, never its name."""
    name = Path(file.name if isinstance(file, FieldFile) else file).name
    try:
        handle = file.open("rb")
    except (FileNotFoundError, IsADirectoryError) as error:
        raise Http404 from error
    found = identify(handle, name) or UNKNOWN
    if found.family == IMAGE and image_is_too_large(handle):
        found = UNKNOWN
    download_name = name if found is UNKNOWN else f"{Path(name).stem}.{found.extension}"
    response = FileResponse(
        handle, content_type=found.content_type, as_attachment=not found.inline, filename=download_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_RESPONSE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=3600"
    return response
