"""The minister opens the dashboard in a real browser: the charts draw without console errors,
a figure opens the list behind it with the same count, and it reads at 1280 px and at 375 px.
Screenshots go to test-artifacts/ (git-ignored)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from conftest import assert_no_horizontal_scroll
from outreach.roles import Role
from outreach.tests.dashboard_data import record
from outreach.tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


def _watch(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The browser asks for a favicon the app does not have; that 404 is not the page's.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    return errors


def _open_dashboard(page, live_server):
    page.goto(live_server.url + reverse("outreach:dashboard"))
    page.wait_for_function("document.querySelectorAll('canvas[data-drawn]').length === 4")


def _charts_have_ink(page) -> bool:
    return page.evaluate(
        """() => [...document.querySelectorAll('canvas[data-chart]')].every(c => {
            const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
            return false;
        })"""
    )


def test_minister_reads_the_dashboard_and_opens_the_list_behind_a_figure(desktop_page, phone_page, live_server, log_in):
    minister = MemberFactory(role=Role.MINISTER, display_name="林晓峰")
    record(8)
    ARTIFACTS.mkdir(exist_ok=True)

    page = desktop_page
    errors = _watch(page)
    log_in(page, minister)
    _open_dashboard(page, live_server)
    assert _charts_have_ink(page)
    page.screenshot(path=ARTIFACTS / "dashboard-1280.png", full_page=True)
    assert_no_horizontal_scroll(page)

    for key in ("overdue_payments", "visits", "hired"):
        figure = page.get_by_test_id(f"figure-{key}")
        expected = figure.get_attribute("data-value")
        figure.click()
        page.wait_for_load_state()
        assert page.get_by_test_id("list-count").get_attribute("data-count") == expected, key
        assert int(expected) > 0
        _open_dashboard(page, live_server)

    heat_cell = page.locator("[data-testid^=heat-] >> nth=0")
    expected = heat_cell.inner_text()
    heat_cell.click()
    page.wait_for_load_state()
    assert page.get_by_test_id("list-count").get_attribute("data-count") == expected
    page.screenshot(path=ARTIFACTS / "visit-list-1280.png", full_page=True)
    assert errors == []

    phone = phone_page
    phone_errors = _watch(phone)
    log_in(phone, minister)
    _open_dashboard(phone, live_server)
    assert _charts_have_ink(phone)
    assert_no_horizontal_scroll(phone)
    phone.screenshot(path=ARTIFACTS / "dashboard-375.png", full_page=True)
    phone.goto(live_server.url + reverse("events:payment-list") + "?state=overdue")
    assert_no_horizontal_scroll(phone)
    phone.screenshot(path=ARTIFACTS / "payment-list-375.png", full_page=True)
    assert phone_errors == []
