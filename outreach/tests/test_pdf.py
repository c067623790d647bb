import http.server
import io
import subprocess
import threading

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from outreach.pdf import render_pdf


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


def _pdf_text(tmp_path, pdf: bytes) -> tuple[str, str]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return text.stdout, fonts.stdout


def test_chinese_text_is_real_text_in_an_embedded_cjk_font(tmp_path, poppler):
    pdf = render_pdf("outreach/pdf/sample.html", {"title": "赞助合同书", "body": "人民币叁仟元整，横幅两条。"})
    text, fonts = _pdf_text(tmp_path, pdf)
    assert "赞助合同书" in text
    assert "人民币叁仟元整" in text
    cjk_fonts = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk_fonts, fonts
    # pdffonts columns: name type encoding emb sub uni object ID
    assert all(line.split()[-5] == "yes" for line in cjk_fonts), fonts


def test_markup_in_user_text_prints_as_text(tmp_path, poppler):
    pdf = render_pdf("outreach/pdf/sample.html", {"title": "<script>alert(1)</script>李宁", "body": "x"})
    text, _fonts = _pdf_text(tmp_path, pdf)
    assert "<script>alert(1)</script>李宁" in text


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):
        type(self).hits += 1
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, *args):
        pass


def test_documents_never_fetch_from_the_network():
    server = http.server.HTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/tracker.png"
        render_pdf("outreach/pdf/sample.html", {"title": "t", "body": "b", "image_url": url})
        render_pdf("outreach/pdf/sample.html", {"title": "t", "body": "b", "image_url": "file:///etc/passwd"})
    finally:
        server.shutdown()
    assert _CountingHandler.hits == 0


def test_documents_embed_the_apps_own_media_files(tmp_path, poppler, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    name = default_storage.save("evidence/banner.png", ContentFile(PNG))
    pdf = render_pdf("outreach/pdf/sample.html", {"title": "t", "body": "b", "image_url": "/media/" + name})
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True)
    assert len(images.stdout.strip().splitlines()) == 3  # two header lines and one image


def test_media_paths_cannot_escape_the_media_folder(tmp_path, poppler, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "secret.png").write_bytes(PNG)
    pdf = render_pdf("outreach/pdf/sample.html", {"title": "t", "body": "b", "image_url": "/media/../secret.png"})
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True)
    assert len(images.stdout.strip().splitlines()) == 2  # headers only
