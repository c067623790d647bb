"""Upload checks: the file must really be what it claims, and not too big."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def _check_size(upload) -> None:
    limit = settings.MAX_UPLOAD_SIZE
    if upload.size > limit:
        raise ValidationError(
            _("文件太大(%(size).1f MB)，不能超过 %(limit).1f MB。")
            % {"size": upload.size / 1024 / 1024, "limit": limit / 1024 / 1024}
        )


def _is_image(upload) -> bool:
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
            ok = image.format in IMAGE_FORMATS
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        ok = False
    upload.seek(0)
    return ok


def validate_image_upload(upload) -> None:
    _check_size(upload)
    if not _is_image(upload):
        raise ValidationError(
            _("“%(name)s”不是图片，请上传 JPG、PNG、GIF 或 WEBP 格式的照片。") % {"name": upload.name}
        )


def validate_scan_upload(upload) -> None:
    _check_size(upload)
    upload.seek(0)
    is_pdf = upload.read(5) == b"%PDF-"
    upload.seek(0)
    if not is_pdf and not _is_image(upload):
        raise ValidationError(_("签署件须为 PDF 文件或图片(JPG、PNG)。"))
