import pytest
from django.utils import timezone

from conftest import assert_no_horizontal_scroll
from sponsors.services import followup_reminders_send
from sponsors.tests.factories import FollowUpFactory, MerchantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_on_a_phone_the_officer_sees_the_bells_count_opens_it_and_the_count_drops(
    phone_page, live_server, log_in, officer
):
    today = timezone.localdate()
    FollowUpFactory(owner=officer, merchant=MerchantFactory(name="康师傅武汉分公司", owner=officer), due_on=today)
    FollowUpFactory(owner=officer, merchant=MerchantFactory(name="蜜雪冰城", owner=officer), due_on=today)
    assert followup_reminders_send() == 2

    page = phone_page
    log_in(page, officer)
    count = page.get_by_test_id("unread-count")
    assert count.is_visible()  # without opening the menu
    assert count.inner_text() == "2"
    assert not page.locator("#main-nav").is_visible()
    assert_no_horizontal_scroll(page)

    page.get_by_test_id("bell").click()
    page.wait_for_url(live_server.url + "/notifications/")
    with page.expect_navigation():
        page.get_by_role("button", name="今天要跟进：康师傅武汉分公司").click()
    assert "/sponsors/" in page.url
    assert page.get_by_test_id("unread-count").inner_text() == "1"
