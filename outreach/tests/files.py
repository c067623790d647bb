"""Files an uploader might send: real ones, and the ones the upload checks exist for."""

import io
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

SCRIPT = b"<script>document.title='pwned'</script>"
HTML = b"<!DOCTYPE html><html><body>" + SCRIPT + b"</body></html>"


def png_bytes(size=(16, 12), color="red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_with_gps() -> bytes:
    """A phone photo: EXIF with a GPS position and an orientation."""
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to show upright
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (30.0, 31.0, 12.0)  # GPSLatitude
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "blue").save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def phone_mpo_bytes() -> bytes:
    """A JPEG as many phone cameras write it: a second, smaller picture inside (Pillow: MPO)."""
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "red").save(
        buffer, "MPO", save_all=True, append_images=[Image.new("RGB", (15, 10), "blue")]
    )
    return buffer.getvalue()


def gif_with_html() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (8, 8), 1).save(buffer, "GIF")
    return buffer.getvalue() + HTML


def pixel_bomb_png(side: int = 12000) -> bytes:
    """A tiny PNG whose header says side×side pixels (all one colour, so it compresses to ~KB)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = side.to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])  # 8-bit greyscale
    row = b"\x00" + b"\x00" * side
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def svg_bytes() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' + SCRIPT + b"</svg>"


def html_starting_with_pdf() -> bytes:
    return b"%PDF-" + HTML


def pdf_bytes() -> bytes:
    """A minimal, well-formed one-page PDF (header, objects, xref table, trailer)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def pdf_with_javascript() -> bytes:
    return pdf_bytes().replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
