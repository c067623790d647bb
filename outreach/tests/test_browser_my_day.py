"""An officer starts the day on a phone: sees today's follow-ups and ticks one off."""

import datetime

import pytest
from django.utils import timezone

from conftest import assert_no_horizontal_scroll
from outreach.tests.department_factories import SemesterFactory
from sponsors.tests.factories import FollowUpFactory, MerchantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_officer_ticks_off_a_follow_up_on_a_phone(phone_page, live_server, log_in, officer):
    SemesterFactory()
    today = timezone.localdate()
    merchant = MerchantFactory(owner=officer, name="周黑鸭(街道口店)")
    FollowUpFactory(merchant=merchant, owner=officer, due_on=today, description="约市场部经理面谈")
    FollowUpFactory(
        merchant=merchant, owner=officer, due_on=today - datetime.timedelta(days=2), description="发合同草稿"
    )
    page = phone_page
    log_in(page, officer)
    assert page.url == live_server.url + "/"
    box = page.get_by_test_id("my-followups")
    assert "约市场部经理面谈" in box.inner_text() and "发合同草稿" in box.inner_text()
    # The day's first job is at the top of the phone's screen, before the merchants and the score.
    assert box.bounding_box()["y"] < page.get_by_test_id("my-quiet-merchants").bounding_box()["y"]
    assert_no_horizontal_scroll(page)

    with page.expect_navigation():
        box.locator("li", has_text="发合同草稿").get_by_role("button").click()
    assert page.url == live_server.url + "/"
    box = page.get_by_test_id("my-followups")
    assert "发合同草稿" not in box.inner_text()
    assert "约市场部经理面谈" in box.inner_text()
