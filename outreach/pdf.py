"""The one PDF service: every proposal, contract, notice and report goes through here.

Documents are Django templates rendered to HTML and laid out by WeasyPrint with the
Noto CJK fonts from Debian's fonts-noto-cjk, which WeasyPrint subsets and embeds, so the
Chinese prints and can be copied out of the PDF.

User-supplied text ends up in these documents (a merchant called
``<img src="http://...">``): the templates escape it, and the URL fetcher below only ever
reads the app's own static and media files, so no document makes a network request.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.encoding import escape_uri_path
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .uploads import IMAGE, identify, image_is_too_large

# Relative URLs in PDF templates ("/static/...", "/media/...") resolve against this
# origin, which exists only for the fetcher below.
DOCUMENT_ORIGIN = "https://outreach-desk.invalid"


class AppFilesOnlyFetcher(URLFetcher):
    """Serves /static/ and /media/ from disk and data: URIs; refuses everything else."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != DOCUMENT_ORIGIN:
            raise ValueError(f"PDF documents may not fetch {url!r}")
        path = _local_path(unquote(parts.path))
        if path is None:
            raise ValueError(f"No such app file: {url!r}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        # An upload: its type is what its content says, and a picture too big to decode is
        # left out (WeasyPrint logs it and prints the rest) rather than eating the worker.
        with path.open("rb") as handle:
            found = identify(handle, path.name)
            if found is None or found.family != IMAGE or image_is_too_large(handle):
                raise ValueError(f"Not a printable image: {url!r}")
            return URLFetcherResponse(url, handle.read(), {"Content-Type": found.content_type})


def _local_path(url_path: str) -> Path | None:
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    media_prefix = "/" + settings.MEDIA_URL.lstrip("/")
    if url_path.startswith(static_prefix):
        found = finders.find(url_path.removeprefix(static_prefix))
        if found:
            return Path(found)
        return _inside(Path(settings.STATIC_ROOT), url_path.removeprefix(static_prefix))
    if url_path.startswith(media_prefix):
        return _inside(Path(settings.MEDIA_ROOT), url_path.removeprefix(media_prefix))
    return None


def _inside(root: Path, relative: str) -> Path | None:
    root = root.resolve()
    candidate = (root / relative).resolve()
    if candidate.is_relative_to(root) and candidate.is_file():
        return candidate
    return None


def render_pdf(template_name: str, context: dict | None = None, *, request=None) -> bytes:
    """Render a Django template to PDF bytes (A4 unless the template's CSS says otherwise)."""
    html = render_to_string(template_name, context or {}, request=request)
    document = HTML(string=html, base_url=DOCUMENT_ORIGIN + "/", url_fetcher=AppFilesOnlyFetcher(timeout=5))
    return document.write_pdf()


def pdf_response(pdf: bytes, filename: str, *, download: bool = False) -> HttpResponse:
    """An HTTP response for a PDF; the filename may be Chinese."""
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{escape_uri_path(filename)}"
    return response
