"""The minister at B sees another school's warning on a merchant's page and adopts it."""

import pytest

from conftest import assert_no_horizontal_scroll
from outreach.alliance import services
from outreach.roles import Role
from outreach.tests.factories import MemberFactory
from sponsors.models import VettingStatus
from sponsors.tests.factories import MerchantFactory

from .helpers import SignedBy, blacklist_entry, credit_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_minister_sees_a_peers_warning_on_the_merchant_page_and_adopts_it(desktop_page, live_server, log_in):
    minister = MemberFactory(role=Role.MINISTER, display_name="林晓峰")
    officer = MemberFactory(role=Role.OFFICER, display_name="王浩然")
    code = credit_code("91420111MA4KX0123")
    merchant = MerchantFactory(name="武汉金榜教育", credit_code=code, owner=officer)
    other = SignedBy()
    services.peer_create(by=minister, name="江城大学外联部", school="江城大学", public_key=other.public_key)
    services.bundle_import(data=other.bundle([blacklist_entry(credit_code=code)]), by=minister)

    page = desktop_page
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, minister)
    page.goto(live_server.url + merchant.get_absolute_url())
    warning = page.locator("[data-testid=merchant-warning]")
    assert "江城大学外联部 2026-10 列入黑名单：收费兼职 — 以兼职为名向学生收取培训费后失联" in warning.inner_text()
    assert "收费兼职" in page.locator("[data-testid=vetting-warning]").inner_text()

    page.locator("[data-testid=adopt-warning]").click()
    page.locator("[data-testid=blacklist-alert]").wait_for()
    assert "采纳联盟记录：江城大学外联部" in page.locator("[data-testid=blacklist-alert]").inner_text()
    assert "采纳联盟记录：江城大学外联部" in page.locator("[data-testid=timeline]").inner_text()
    assert page.locator("[data-testid=adopt-warning]").count() == 0
    merchant.refresh_from_db()
    assert merchant.vetting_status == VettingStatus.BLACKLISTED

    # The officer who owns it sees the warning too, without the button.
    page.context.clear_cookies()
    log_in(page, officer)
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(live_server.url + merchant.get_absolute_url())
    assert "江城大学外联部" in page.locator("[data-testid=merchant-warning]").inner_text()
    assert page.locator("[data-testid=adopt-warning]").count() == 0
    assert_no_horizontal_scroll(page)
