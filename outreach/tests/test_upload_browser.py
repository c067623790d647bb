"""An officer's HTML or SVG "upload", opened by the minister in Chromium, runs nothing.

The attack: a file that runs in the app's origin with the minister's session fetches the
member edit form and posts a role change (officer → minister). Each upload field refuses
such files; files stored before the checks existed are served so that they cannot run.
"""

import contextlib

import pytest
from django.core.files.base import ContentFile
from django.test.testcases import _MediaFilesHandler
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from events import services as event_services
from events.models import Evidence
from events.tests.factories import make_contract, make_signed_contract
from outreach import roles
from outreach.models import Submission, TrainingSession
from outreach.roles import Role
from outreach.tests import files
from outreach.tests.department_factories import AssignmentFactory
from outreach.tests.factories import MemberFactory
from sponsors.models import Visit, VisitPhoto
from sponsors.tests.factories import MerchantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def media_through_the_app(monkeypatch, settings, tmp_path):
    """Django's live server answers /media/ itself (django.views.static, type from the name);
    send those requests to the app's own view, as production does."""
    monkeypatch.setattr(_MediaFilesHandler, "_should_handle", lambda self, path: False)
    settings.MEDIA_ROOT = tmp_path


def payload(edit_url: str) -> bytes:
    """Script that promotes the officer if it ever runs with the minister's session."""
    script = (
        "fetch('EDIT').then(r => r.text()).then(html => {"
        ' const token = html.match(/name="csrfmiddlewaretoken" value="([^"]+)"/)[1];'
        " const body = new URLSearchParams({csrfmiddlewaretoken: token, role: 'minister', is_active: 'on'});"
        " return fetch('EDIT', {method: 'POST', body: body});"
        "}).finally(() => { document.title = 'pwned'; });"
    )
    return script.replace("EDIT", edit_url).encode()


def html_file(script: bytes) -> bytes:
    return b"%PDF-<!DOCTYPE html><html><body><script>" + script + b"</script></body></html>"


def svg_file(script: bytes) -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>' + script + b"</script></svg>"


def gif_file(script: bytes) -> bytes:
    return files.gif_with_html().replace(files.SCRIPT, b"<script>" + script + b"</script>")


def open_as_reader(page, url: str) -> None:
    # A download starts instead of a page: nothing of it runs in the browser.
    with contextlib.suppress(PlaywrightError):
        page.goto(url)
    page.wait_for_timeout(800)  # time for a payload's two requests, had it run
    assert "pwned" not in page.title(), (url, page.url)


@pytest.fixture
def story(db):
    officer = MemberFactory(role=Role.OFFICER, display_name="王浩然")
    vice = MemberFactory(role=Role.VICE_MINISTER, display_name="周敏")
    minister = MemberFactory(role=Role.MINISTER, display_name="林晓峰")
    approved = make_contract(owner=officer)
    event_services.contract_submit(contract=approved, member=officer)
    event_services.contract_approve(contract=approved, member=minister)
    signed = make_signed_contract(owner=officer, minister=minister, clauses=1)
    return {
        "officer": officer,
        "vice": vice,
        "minister": minister,
        "approved": approved,
        "signed": signed,
        "deliverable": signed.deliverables.get(),
        "merchant": MerchantFactory(),
        "assignment": AssignmentFactory(created_by=vice),
        "edit_url": reverse("outreach:member-edit", args=[officer.pk]),
    }


def choose(page, selector: str, name: str, content: bytes, mime: str = "text/html") -> None:
    page.set_input_files(selector, files=[{"name": name, "mimeType": mime, "buffer": content}])


def submit(page, button: str) -> str:
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()
    return page.content()


def test_every_upload_field_refuses_html_and_svg(desktop_page, live_server, log_in, story):
    page, script = desktop_page, payload(story["edit_url"])
    log_in(page, story["officer"])

    page.goto(live_server.url + reverse("sponsors:visit-create") + f"?merchant={story['merchant'].pk}")
    choose(page, "input[name=photos]", "门店.svg", svg_file(script), "image/svg+xml")
    # The visit form is sent with fetch (the offline draft) and its answer written into the
    # page, so wait for the refusal itself rather than for a load.
    page.get_by_role("button", name="保存拜访", exact=True).click()
    refusal = "“门店.svg”不是可以上传的文件"
    page.wait_for_function("text => document.body && document.body.innerText.includes(text)", arg=refusal)
    assert refusal in page.content()

    page.goto(live_server.url + reverse("events:contract-sign", args=[story["approved"].pk]))
    page.fill("input[name=signed_on]", "2026-04-28")
    choose(page, "input[name=scan]", "签署件.html", html_file(script))
    assert "“签署件.html”" in submit(page, "上传并签署")

    page.goto(live_server.url + reverse("events:deliverable-complete", args=[story["deliverable"].pk]))
    choose(page, "input[name=photos]", "横幅.svg", svg_file(script), "image/svg+xml")
    assert "“横幅.svg”不是可以上传的文件" in submit(page, "标记完成")

    page.goto(live_server.url + story["assignment"].get_absolute_url())
    choose(page, "input[name=file]", "作业.html", html_file(script))
    assert "“作业.html”" in submit(page, "提交")

    page.context.clear_cookies()
    log_in(page, story["vice"])
    page.goto(live_server.url + reverse("outreach:training-create"))
    page.fill("input[name=title]", "如何写赞助方案书")
    page.fill("input[name=date]", "2026-04-28")
    choose(page, "input[name=materials]", "课件.html", html_file(script))
    assert "“课件.html”" in submit(page, "保存")

    assert not Visit.objects.exists() and not Submission.objects.exists() and not TrainingSession.objects.exists()
    assert not story["approved"].__class__.objects.get(pk=story["approved"].pk).signed_scan
    assert not story["deliverable"].evidence.exists()


def test_a_gif_with_html_appended_is_stored_as_a_plain_picture(desktop_page, live_server, log_in, story):
    page = desktop_page
    log_in(page, story["officer"])
    page.goto(live_server.url + reverse("events:deliverable-complete", args=[story["deliverable"].pk]))
    choose(page, "input[name=photos]", "横幅.gif", gif_file(payload(story["edit_url"])), "image/gif")
    submit(page, "标记完成")
    evidence = story["deliverable"].evidence.get()
    assert b"<script" not in evidence.image.read()

    page.context.clear_cookies()
    log_in(page, story["minister"])
    open_as_reader(page, live_server.url + evidence.get_absolute_url())
    assert roles.primary_role(story["officer"].user) == Role.OFFICER


def test_files_stored_before_the_checks_run_nothing_when_the_minister_opens_them(
    desktop_page, live_server, log_in, story
):
    page, script = desktop_page, payload(story["edit_url"])
    officer = story["officer"]
    # As the old forms let them through: any name, any content.
    signed = story["signed"]
    signed.signed_scan.save("签署件.html", ContentFile(html_file(script)))
    evidence_html = Evidence(deliverable=story["deliverable"], uploaded_by=officer)
    evidence_html.image.save("横幅.html", ContentFile(gif_file(script)))
    evidence_svg = Evidence(deliverable=story["deliverable"], uploaded_by=officer)
    evidence_svg.image.save("横幅.svg", ContentFile(svg_file(script)))
    visit = Visit.objects.create(merchant=story["merchant"], visited_at=signed.created_at, created_by=officer)
    photo = VisitPhoto(visit=visit)
    photo.image.save("门店.svg", ContentFile(svg_file(script)))
    training = TrainingSession(title="如何写赞助方案书", date=signed.created_at.date())
    training.materials.save("课件.html", ContentFile(html_file(script)))
    submission = Submission(assignment=story["assignment"], member=officer, text="x")
    submission.file.save("作业.svg", ContentFile(svg_file(script)))

    log_in(page, story["minister"])
    for url in [
        reverse("events:contract-scan", args=[signed.pk]),
        evidence_html.get_absolute_url(),
        evidence_svg.get_absolute_url(),
        photo.image.url,
        training.materials.url,
        submission.file.url,
    ]:
        open_as_reader(page, live_server.url + url)
    # The minister's own pages still work: the session was there for the taking.
    page.goto(live_server.url + story["edit_url"])
    assert page.locator("select[name=role]").count() == 1
    assert roles.primary_role(officer.user) == Role.OFFICER


def test_pages_keep_working_under_the_content_security_policy(desktop_page, live_server, log_in, story):
    page, minister = desktop_page, story["minister"]
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    signed = story["signed"]
    contact = signed.merchant.contacts.create(name="张经理", mobile="13800138000")
    log_in(page, minister)
    for url in [
        reverse("home"),
        reverse("sponsors:merchant-list"),
        reverse("sponsors:board"),
        signed.merchant.get_absolute_url(),
        reverse("sponsors:contact-edit", args=[contact.pk]),
        reverse("sponsors:visit-create"),
        reverse("sponsors:followups"),
        reverse("events:event-detail", args=[signed.event_id]),
        signed.get_absolute_url(),
        story["assignment"].get_absolute_url(),
    ]:
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
    assert violations == []

    # What the inline handlers and styles did, the static script now does.
    page.goto(live_server.url + reverse("events:event-detail", args=[signed.event_id]))
    bar = page.locator(".progress-bar")
    assert bar.evaluate("element => element.style.width") == bar.get_attribute("data-width") + "%"
    page.goto(live_server.url + reverse("sponsors:contact-edit", args=[contact.pk]))
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("form[data-confirm] button").click()
    page.wait_for_timeout(300)
    assert signed.merchant.contacts.filter(pk=contact.pk).exists()  # dismissed: nothing deleted
    # The switch submits itself (app.js, no inline handler): wait for the page it loads.
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"


def test_a_signed_scan_still_opens_in_the_browsers_pdf_viewer(desktop_page, live_server, log_in, story):
    """The sandbox policy must not cost the minister the inline PDF view."""
    page, contract = desktop_page, story["approved"]
    log_in(page, story["officer"])
    page.goto(live_server.url + reverse("events:contract-sign", args=[contract.pk]))
    page.fill("input[name=signed_on]", "2026-04-28")
    choose(page, "input[name=scan]", "签署件.pdf", files.pdf_bytes(), "application/pdf")
    submit(page, "上传并签署")
    page.context.clear_cookies()
    log_in(page, story["minister"])
    page.goto(live_server.url + contract.get_absolute_url())
    page.get_by_role("link", name="签署件").click()
    page.wait_for_load_state()
    page.wait_for_timeout(500)
    assert page.url.endswith(reverse("events:contract-scan", args=[contract.pk]))
    assert len(page.frames) > 1  # Chromium's PDF viewer, not a download or a blocked page
