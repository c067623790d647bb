"""The Content-Security-Policy: pages run only the app's own script files."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Printed documents are laid out by WeasyPrint, which runs no script and reads no CSP.
# Printed documents (WeasyPrint runs no script) and e-mail bodies (mail clients take only
# inline styles) are not pages a browser shows under the policy.
PAGE_TEMPLATES = sorted(
    p for p in TEMPLATES.rglob("*.html") if not {"pdf", "email"} & set(p.relative_to(TEMPLATES).parts)
)


def _directives(header: str) -> dict[str, str]:
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/accounts/login/", "/jobs/"])
def test_public_pages_carry_the_policy(client, path):
    policy = _directives(client.get(path)["Content-Security-Policy"])
    assert policy["script-src"] == "script-src 'self'"
    assert policy["object-src"] == "object-src 'none'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert policy["base-uri"] == "base-uri 'self'"
    assert policy["form-action"] == "form-action 'self'"
    assert "unsafe-inline" not in policy["style-src"]


def test_signed_in_pages_carry_the_policy(client_for, officer):
    response = client_for(officer).get(reverse("home"))
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("template", PAGE_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_have_no_inline_script_handler_or_style(template):
    """Under the policy the browser would ignore them: the page would silently break."""
    source = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", source), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", source), "inline event handler"
    assert not re.search(r"<[^>]*\sstyle\s*=", source), "inline style attribute"
    assert "javascript:" not in source
