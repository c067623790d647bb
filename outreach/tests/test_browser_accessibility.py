"""Every page of the page list passes axe-core's WCAG 2 A and AA rules in Chromium.

As each role and as an anonymous visitor, every URL of `outreach.pagelist.pages()` that
answers that visitor 200 with HTML is opened in Chinese and in English and checked by
axe-core (the npm package in node_modules/, never a CDN) on a phone (375 px) and on a desk
(1280 px). A new page is in the list by construction, so it is checked as soon as it exists.

Speed (2 cores): the data set is built once; each role signs in once per language; one tab
per language opens every page once and is audited at both widths (the window is resized,
the page is not loaded again); the two tabs load and audit side by side, each in its own
Chromium process. The live server's static files are cached by the browser.

Run it alone:
    REQUIRE_SERVICES=1 .venv/bin/python -m pytest -q outreach/tests/test_browser_accessibility.py
Only some pages, while fixing them: AXE_PAGES=events:,/jobs/open/ (URL names or paths
containing any of the comma-separated parts); AXE_ROLES=officer,anonymous.
"""

import os
import re
from collections import defaultdict
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from playwright.sync_api import Error as PlaywrightError

from conftest import require
from outreach.pagelist import NOT_PAGES, PUBLIC, pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = settings.NODE_MODULES / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ROLES = ["anonymous", "officer", "vice_minister", "minister", "advisor"]
LANGUAGES = ["zh-hans", "en"]
WIDTHS = {375: 812, 1280: 900}  # width -> height
MAX_REPORTED = 40  # elements spelled out in the failure message; the rest are counted
MAX_PAGES_NAMED = 4  # pages named for an element that fails on many

# Started without waiting for it, so that the other tab works while this one is audited; the
# result is collected by awaiting the promise (no polling, which would make Chromium draw frames).
START_AXE = """tags => {
    window.__axe = axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
        .then(results => results.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary})),
        })))
        .catch(error => ({error: String(error)}));
}"""


@dataclass
class Finding:
    """One element failing one rule, wherever it appears."""

    rule: str
    impact: str
    help: str
    help_url: str
    element: str  # axe's CSS selector
    html: str
    summary: str
    pages: dict = field(default_factory=dict)  # path -> URL name
    seen: set = field(default_factory=set)  # (role, language, width)


class Tab:
    def __init__(self, browser, base: str, language: str, axe_source: str):
        self.language = language
        self.width = min(WIDTHS)
        self.context = browser.new_context(
            base_url=base,
            viewport={"width": self.width, "height": WIDTHS[self.width]},
            reduced_motion="reduce",  # Bootstrap's fades end at once: the colours are final
        )
        self.context.set_default_timeout(20_000)
        self.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])
        self.context.add_init_script(axe_source)
        self.page = self.context.new_page()

    def open(self, path: str) -> bool:
        """Load `path`; False when it is not a page for this visitor (a redirect, an error, a
        download, a fragment)."""
        try:
            response = self.page.goto(path, wait_until="load")
        except PlaywrightError:  # a download starts instead of a page
            return False
        if not (
            response
            and response.status == 200
            and response.request.redirected_from is None
            and response.headers.get("content-type", "").startswith("text/html")
        ):
            return False
        # A fragment for htmx (no <!DOCTYPE html>, no base.html) is checked inside the page
        # that loads it, not as a document of its own.
        self.page.wait_for_load_state("domcontentloaded")
        return self.page.evaluate("document.doctype !== null")

    def signed_out(self) -> bool:
        return "/accounts/login/" in self.page.url

    def resize(self, width: int) -> None:
        if width != self.width:
            self.width = width
            self.page.set_viewport_size({"width": width, "height": WIDTHS[width]})

    def start_axe(self) -> None:
        self.page.wait_for_load_state("load")
        self.page.evaluate(START_AXE, TAGS)

    def violations(self, path: str) -> list[dict]:
        found = self.page.evaluate("window.__axe")
        assert "error" not in found, f"axe-core failed on {path}: {found}"
        return found


@pytest.fixture
def static_files_cached(monkeypatch):
    """The live server sends static files without Cache-Control, so Chromium would ask for
    each again on every page; let it keep them, as WhiteNoise does in production."""
    serve = StaticFilesHandler.serve

    def cached(self, request):
        response = serve(self, request)
        response["Cache-Control"] = "max-age=3600"
        return response

    monkeypatch.setattr(StaticFilesHandler, "serve", cached)


def selected(values: list[str], variable: str) -> list[str]:
    wanted = [part for part in os.environ.get(variable, "").split(",") if part]
    return [value for value in values if not wanted or any(part in value for part in wanted)]


def audit(role: str, tabs: list[Tab], paths: list[tuple[str, str]], findings: dict) -> int:
    """Open each page in every tab and record what axe-core finds; returns the pages checked."""
    checked = 0
    previous = "the sign-in"
    for path, name in paths:
        # The first tab finds out whether this is a page for the role at all.
        if not tabs[0].open(path):
            # A page that signs the role out would hide every page after it: say which.
            assert role == "anonymous" or not tabs[0].signed_out(), (
                f"{role} was signed out on opening {path} ({name}); the page before it was {previous}"
            )
            continue
        previous = f"{path} ({name})"
        for tab in tabs[1:]:
            assert tab.open(path), f"{path} is a page in {tabs[0].language} but not in {tab.language}"
        checked += 1
        widths = sorted(WIDTHS, key=lambda width: width != tabs[0].width)  # the current one first
        for tab in tabs:
            tab.start_axe()
        for width in widths[1:] + [None]:
            for tab in tabs:
                for violation in tab.violations(path):
                    record(findings, violation, path, name, (role, tab.language, tab.width))
                if width is not None:
                    tab.resize(width)
                    tab.start_axe()
    return checked


def record(findings: dict, violation: dict, path: str, name: str, seen: tuple) -> None:
    for node in violation["nodes"]:
        html = re.sub(r"\s+", " ", node["html"]).strip()
        key = (violation["id"], node["target"], html)
        if key not in findings:
            findings[key] = Finding(
                rule=violation["id"],
                impact=violation["impact"] or "",
                help=violation["help"],
                help_url=violation["helpUrl"].split("?")[0],
                element=node["target"],
                html=html,
                summary=node["summary"],
            )
        findings[key].pages[path] = name
        findings[key].seen.add(seen)


def report(findings: dict, checked: dict) -> str:
    """The violations by rule, then element (those on most pages first: fix them in the
    shared CSS or template), with the pages, roles, languages and widths they fail in."""
    by_rule = defaultdict(list)
    for finding in findings.values():
        by_rule[finding.rule].append(finding)
    lines = [
        f"axe-core: {len(findings)} element(s) fail WCAG 2 A/AA rules. Pages checked: "
        + ", ".join(f"{role} {count}" for role, count in checked.items())
        + ".",
        "Fix at the source: colours in static/css/app.css, the page frame in templates/base.html, shared "
        "parts in templates/includes/, then the page's own template. Re-run only those pages with",
        "  AXE_PAGES=<URL name or path>,... REQUIRE_SERVICES=1 .venv/bin/python -m pytest -q "
        "outreach/tests/test_browser_accessibility.py",
    ]
    shown = 0
    for rule, items in sorted(by_rule.items(), key=lambda item: -len(item[1])):
        first = items[0]
        lines += ["", f"== {rule} ({first.impact}, {len(items)} element(s)): {first.help}", f"   {first.help_url}"]
        for finding in sorted(items, key=lambda f: (-len(f.pages), f.element)):
            if shown == MAX_REPORTED:
                break
            shown += 1
            named = [f"{path} ({name})" for path, name in sorted(finding.pages.items())]
            more = len(named) - MAX_PAGES_NAMED
            lines.append(f"  element  {finding.element}")
            lines.append(f"           {finding.html[:240]}")
            lines.extend(f"           {line.strip()}" for line in finding.summary.splitlines()[1:4])
            lines.append(f"  on       {', '.join(named[:MAX_PAGES_NAMED])}{f' and {more} more' if more > 0 else ''}")
            lines.append(f"  as       {seen_summary(finding.seen)}")
    if shown < len(findings):
        lines += ["", f"... and {len(findings) - shown} more element(s)"]
    return "\n".join(lines)


def seen_summary(seen: set) -> str:
    roles = sorted({role for role, _, _ in seen}, key=ROLES.index)
    languages = sorted({language for _, language, _ in seen}, key=LANGUAGES.index)
    widths = sorted({width for _, _, width in seen})
    return f"{', '.join(roles)} · {', '.join(languages)} · {', '.join(f'{w}px' for w in widths)}"


def test_every_page_passes_axe_wcag_2_a_and_aa(browser, live_server, world, log_in, static_files_cached):
    require(AXE.exists(), f"needs axe-core in {AXE} (npm ci)")
    axe_source = AXE.read_text()
    paths = list({url: route.name for route, url in pages(world) if route.name not in NOT_PAGES}.items())
    paths = [(path, name) for path, name in paths if selected([path + " " + name], "AXE_PAGES")]
    findings: dict = {}
    checked = {}
    for role in selected(ROLES, "AXE_ROLES"):
        tabs = [Tab(browser, live_server.url, language, axe_source) for language in LANGUAGES]
        try:
            if role != "anonymous":
                for tab in tabs:
                    log_in(tab.page, getattr(world, role))
            # The public pages (job notices, the sponsor's link, signing in and resetting a
            # password) are audited as the visitor they are for; members get the rest.
            mine = [(path, name) for path, name in paths if (name in PUBLIC) == (role == "anonymous")]
            checked[role] = audit(role, tabs, mine, findings)
        finally:
            for tab in tabs:
                tab.context.close()
        assert checked[role], f"no page of the page list answers {role} with HTML"
    assert not findings, report(findings, checked)
