"""Every page of the app's page list on a 375 px phone, in Chinese and in English, as the
roles that see it: none scrolls sideways, every phone or student-number field brings up
the right keyboard, and no control, header or label is cut, there and on a 1280 px desk. Plus the bits of chrome a phone needs: the bell with its count outside
the menu, the department's sub-menu in full, a way back from 403/404, a favicon."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from conftest import PHONE
from events.tests.factories import EventFactory
from outreach.pagelist import NOT_PAGES, PUBLIC, pages
from outreach.tests.browser_checks import CUT_CONTROLS, UNFOLD
from outreach.tests.department_factories import SemesterFactory
from outreach.tests.factories import NotificationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Officers see their own variant of many pages, leaders the whole department's; the advisor
# (and the visitor, for public pages) where neither of them does.
ROLES = ("officer", "minister", "advisor")
DESK = {"width": 1280, "height": 900}

SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
NO_KEYBOARD_HINT = """() => Array.from(document.querySelectorAll("input"))
    .filter((input) => /(phone|mobile|student_number)$/.test(input.name) && ["text", "tel", "search"].includes(input.type))
    .filter((input) => !["tel", "numeric"].includes(input.getAttribute("inputmode")))
    .map((input) => input.name)"""


def _html_page(client: Client, url: str) -> bool:
    response = client.get(url)
    return response.status_code == 200 and response["Content-Type"].startswith("text/html")


def _who_sees(world) -> dict[str, list[str]]:
    """role -> the URLs of the page list that role gets as an HTML page."""
    seen: dict[str, list[str]] = {role: [] for role in (*ROLES, "anonymous")}
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        clients[role].force_login(getattr(world, role).user)
    anonymous = Client()
    for route, url in pages(world):
        if route.name in NOT_PAGES:
            continue
        if route.name in PUBLIC:
            if _html_page(anonymous, url):
                seen["anonymous"].append(url)
            continue
        for role in ROLES:
            if _html_page(clients[role], url):
                seen[role].append(url)
                if role == "officer":
                    continue  # the minister's variant too
                if role == "minister":
                    break
    return seen


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_page_scrolls_sideways_or_cuts_a_control(browser, live_server, log_in, world, language):
    seen = _who_sees(world)
    assert sum(len(urls) for urls in seen.values()) > 80  # the page list, not a handful
    sideways, no_hint, cut = {}, {}, {}
    for role, urls in seen.items():
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            if role != "anonymous":
                log_in(page, getattr(world, role))
            for url in urls:
                page.goto(live_server.url + url)
                page.wait_for_load_state("load")
                if (overflow := page.evaluate(SIDEWAYS)) > 0:
                    sideways[f"{role} {url}"] = overflow
                if missing := page.evaluate(NO_KEYBOARD_HINT):
                    no_hint[f"{role} {url}"] = missing
                page.evaluate(UNFOLD)
                if found := page.evaluate(CUT_CONTROLS):
                    cut[f"375px {role} {url}"] = found
                # The same page on a desk: the layout follows the width, no need to load it again.
                page.set_viewport_size(DESK)
                if found := page.evaluate(CUT_CONTROLS):
                    cut[f"1280px {role} {url}"] = found
                page.set_viewport_size(PHONE)
        finally:
            context.close()
    assert sideways == {}, "pages wider than the phone (px)"
    assert no_hint == {}, "phone or student-number fields without inputmode"
    assert cut == {}, "controls whose text is cut, words broken across lines"


def test_the_events_list_is_cards_on_a_phone(phone_page, live_server, log_in, officer):
    EventFactory(title="校排球赛（第十二届）暨外联部赞助商见面会", owner=officer)
    page = phone_page
    log_in(page, officer)
    page.goto(live_server.url + reverse("events:event-list"))
    cards = page.get_by_test_id("event-cards")
    assert cards.is_visible() and "校排球赛" in cards.inner_text()
    assert page.locator("table").is_hidden()  # its header stacked one character per line here
    box = cards.locator(".card").first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_the_bell_and_its_count_show_on_a_phone_without_the_menu(phone_page, live_server, log_in, officer):
    SemesterFactory()
    NotificationFactory(recipient=officer)
    page = phone_page
    log_in(page, officer)
    assert page.locator("#main-nav").is_hidden()
    assert page.get_by_test_id("bell").is_visible()
    assert page.get_by_test_id("unread-count").inner_text() == "1"


def test_the_department_menu_shows_every_entry_on_a_phone(phone_page, live_server, log_in, minister):
    SemesterFactory()
    page = phone_page
    log_in(page, minister)
    page.goto(live_server.url + reverse("outreach:member-list"))
    nav = page.get_by_test_id("department-nav")
    for name in ("招新", "校际", "学期", "换届"):
        box = nav.get_by_role("link", name=name, exact=True).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], name


def test_a_missing_or_forbidden_page_offers_a_way_back(phone_page, live_server, log_in, officer, advisor):
    SemesterFactory()
    page = phone_page
    log_in(page, advisor)
    page.goto(live_server.url + reverse("sponsors:visit-create"))  # the advisor writes nothing: 403
    assert "无权访问" in page.title()
    with page.expect_navigation():
        page.get_by_test_id("way-back").get_by_role("link", name="回到首页").click()
    assert page.url == live_server.url + "/"
    page.goto(live_server.url + "/no-such-page/")
    assert "页面不存在" in page.title()
    assert page.get_by_test_id("way-back").get_by_role("link").count() >= 1


def test_every_page_has_a_favicon_from_the_app(phone_page, live_server):
    page = phone_page
    page.goto(live_server.url + reverse("jobs:public-list"))
    href = page.locator("link[rel=icon]").get_attribute("href")
    assert href.startswith("/static/")
    assert page.request.get(live_server.url + href).ok
