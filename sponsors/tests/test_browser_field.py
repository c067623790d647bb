"""An officer at a merchant's counter, on a 375 px phone: the visit in six taps from home,
a save on a dropped network that is kept and sent once, a camera photo shrunk before it
leaves the phone, and the duplicate hint while an input method composes. (That no select or
button is cut is checked on every page by outreach/tests/test_browser_phone_layout.py.)"""

import io
import json
import os
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test.testcases import _MediaFilesHandler
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from outreach.tests.department_factories import SemesterFactory
from sponsors.models import FollowUp, Visit, VisitPhoto
from sponsors.tests.factories import MerchantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MB = 1024 * 1024


class Taps:
    """Counts what the officer does: each tap, each field typed in, each option chosen."""

    def __init__(self):
        self.count = 0

    def click(self, locator):
        self.count += 1
        locator.click()

    def fill(self, locator, text):
        self.count += 1
        locator.fill(text)

    def select(self, locator, value):
        self.count += 1
        locator.select_option(value)


def test_a_visit_with_a_next_step_in_six_taps_from_home(phone_page, live_server, log_in, officer):
    SemesterFactory()
    merchant = MerchantFactory(owner=officer, name="周黑鸭(街道口店)")
    MerchantFactory(name="别人的商家")
    page, taps = phone_page, Taps()
    log_in(page, officer)
    assert page.url == live_server.url + "/"

    taps.click(page.get_by_test_id("home-log-visit"))
    # Before any typing, the picker offers the officer's own merchants.
    taps.click(page.get_by_test_id("merchant-results").get_by_role("button", name="周黑鸭(街道口店)"))
    expect(page.get_by_test_id("merchant-chosen")).to_have_text("周黑鸭(街道口店)")
    taps.select(page.locator("select[name=outcome]"), "interested")
    taps.fill(page.locator("textarea[name=notes]"), "店长愿意赞助排球赛的饮料")
    taps.fill(page.locator("input[name=next_step]"), "送方案书给店长")
    taps.click(page.get_by_test_id("save-visit"))
    page.wait_for_url(live_server.url + merchant.get_absolute_url())

    assert taps.count <= 6
    visit = Visit.objects.get()
    assert (visit.merchant, visit.outcome, visit.notes) == (merchant, "interested", "店长愿意赞助排球赛的饮料")
    assert list(visit.members.all()) == [officer]
    followup = FollowUp.objects.get()
    assert (followup.description, followup.owner) == ("送方案书给店长", officer)
    assert followup.due_on == timezone.localdate() + timedelta(days=7)


def test_from_a_follow_up_the_form_opens_on_its_merchant(phone_page, live_server, log_in, officer):
    from sponsors.tests.factories import FollowUpFactory

    SemesterFactory()
    merchant = MerchantFactory(owner=officer, name="李宁专卖店")
    FollowUpFactory(merchant=merchant, owner=officer, due_on=timezone.localdate(), description="约店长面谈")
    page = phone_page
    log_in(page, officer)
    page.get_by_test_id("my-followups").get_by_test_id("followup-log-visit").click()
    expect(page.get_by_test_id("merchant-chosen")).to_have_text("李宁专卖店")
    expect(page.locator("#merchant-picker")).to_be_hidden()


def drafts(page) -> list:
    return json.loads(page.evaluate("window.localStorage.getItem('outreach:drafts') || '[]'"))


def test_a_visit_saved_on_a_dropped_network_is_kept_and_sent_once(phone_page, live_server, log_in, officer):
    SemesterFactory()
    merchant = MerchantFactory(owner=officer, name="周黑鸭(街道口店)")
    page = phone_page
    log_in(page, officer)
    page.goto(live_server.url + reverse("sponsors:visit-create") + f"?merchant={merchant.pk}")
    page.select_option("select[name=outcome]", "interested")
    page.fill("textarea[name=notes]", "信号很差，店长说下周再谈")

    page.context.set_offline(True)
    page.get_by_test_id("save-visit").click()
    expect(page.get_by_test_id("visit-offline")).to_be_visible()
    page.get_by_test_id("save-visit").click()  # tapped again, still no network
    expect(page.get_by_test_id("save-visit")).to_be_enabled()
    assert Visit.objects.count() == 0
    (kept,) = drafts(page)
    assert ["notes", "信号很差，店长说下周再谈"] in kept["fields"]

    page.context.set_offline(False)
    page.goto(live_server.url + "/")  # the next page load offers it again
    banner = page.get_by_test_id("draft-banner")
    expect(banner).to_contain_text("周黑鸭(街道口店)")
    with page.expect_navigation():
        banner.get_by_role("button", name="发送").click()
    assert page.url == live_server.url + merchant.get_absolute_url()
    assert drafts(page) == []
    expect(page.get_by_test_id("draft-banner")).to_have_count(0)

    # The same visit sent once more (say the first answer was lost on the way back): still one.
    status = page.evaluate(
        """([url, fields]) => {
            const body = new FormData();
            fields.forEach(([name, value]) => body.append(name, value));
            body.append("csrfmiddlewaretoken", JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]);
            return fetch(url, {method: "POST", body: body}).then(r => r.status);
        }""",
        [kept["url"], kept["fields"]],
    )
    assert status == 200
    visit = Visit.objects.get()
    assert (visit.notes, visit.outcome) == ("信号很差，店长说下周再谈", "interested")


@pytest.fixture
def media_root(monkeypatch, settings, tmp_path):
    monkeypatch.setattr(_MediaFilesHandler, "_should_handle", lambda self, path: False)
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def camera_photo() -> bytes:
    """A 12-megapixel JPEG with a phone camera's grain: about 10 MB."""
    width, height = 4000, 3000
    light = Image.frombytes("RGB", (40, 30), os.urandom(40 * 30 * 3)).resize((width, height), Image.BICUBIC)
    grain = Image.effect_noise((width, height), 40).convert("RGB")
    buffer = io.BytesIO()
    Image.blend(light, grain, 0.4).save(buffer, "JPEG", quality=98)
    return buffer.getvalue()


def test_a_10_mb_camera_photo_goes_up_under_1_mb(phone_page, live_server, log_in, officer, media_root):
    photo = camera_photo()
    assert 8 * MB < len(photo) <= django_settings.UPLOAD_SIZE_LIMITS["image"]
    merchant = MerchantFactory(owner=officer)
    page = phone_page
    log_in(page, officer)
    page.goto(live_server.url + reverse("sponsors:visit-create") + f"?merchant={merchant.pk}")
    sent = []
    page.on("request", lambda request: sent.append(request) if request.method == "POST" else None)
    page.set_input_files(
        "input[name=photos]", files=[{"name": "IMG_0001.JPG", "mimeType": "image/jpeg", "buffer": photo}]
    )
    page.wait_for_function("() => document.querySelector('input[name=photos]').files[0].name === 'IMG_0001.jpg'")
    size = page.evaluate("document.querySelector('input[name=photos]').files[0].size")
    assert size < MB
    page.get_by_test_id("save-visit").click()
    page.wait_for_url(live_server.url + merchant.get_absolute_url())

    stored = VisitPhoto.objects.get()
    assert stored.image.size < MB
    with Image.open(stored.image.path) as image:
        assert max(image.size) == 1600 and image.format == "JPEG"
    body = sent[0].post_data_buffer
    assert body is None or len(body) < MB


def test_the_duplicate_hint_shows_while_an_input_method_composes(phone_page, live_server, log_in, officer):
    MerchantFactory(name="周黑鸭(街道口店)")
    page = phone_page
    log_in(page, officer)
    page.goto(live_server.url + reverse("sponsors:merchant-create"))
    page.click("#id_name")
    # What a pinyin keyboard does: compose the letters, then commit the characters; no keyup.
    ime = page.context.new_cdp_session(page)
    ime.send("Input.imeSetComposition", {"text": "zhouhei", "selectionStart": 7, "selectionEnd": 7})
    ime.send("Input.insertText", {"text": "周黑"})
    expect(page.get_by_test_id("duplicates")).to_contain_text("周黑鸭(街道口店)")
