"""The officer's phone flow and the minister's board, in a real browser."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import assert_no_horizontal_scroll
from outreach.roles import Role
from outreach.tests.factories import MemberFactory
from sponsors.models import FollowUp, Stage, StageChange, Visit
from sponsors.services import merchant_change_stage

from .factories import MerchantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def next_tuesday(today):
    monday_based = today.isoweekday()
    return today + timedelta(days=(7 - monday_based) + 2)


class Counter:
    """Counts what the officer does: every click, tap and typed field."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def click(self, selector):
        self.count += 1
        self.page.locator(selector).first.click()

    def type(self, selector, text):
        self.count += 1
        self.page.locator(selector).first.press_sequentially(text)

    def fill(self, selector, text):
        self.count += 1
        self.page.locator(selector).first.fill(text)


def test_officer_logs_a_visit_on_a_phone_in_at_most_eight_steps(phone_page, live_server, log_in):
    officer = MemberFactory(role=Role.OFFICER, display_name="王浩然")
    merchant = MerchantFactory(name="康师傅武汉分公司", owner=officer)
    MerchantFactory(name="李宁专卖店")
    page = phone_page
    log_in(page, officer)
    page.goto(live_server.url + "/")
    assert_no_horizontal_scroll(page)

    officer_does = Counter(page)
    officer_does.click("main a.card:has-text('商家')")
    page.wait_for_url("**/sponsors/")
    assert_no_horizontal_scroll(page)
    officer_does.click("[data-testid=log-visit]")
    page.wait_for_url("**/sponsors/visits/new/")
    assert_no_horizontal_scroll(page)
    officer_does.type("#merchant-search", "康师")
    page.locator(".merchant-option").first.wait_for()
    officer_does.click(".merchant-option:has-text('康师傅')")
    officer_does.fill("input[name=next_step]", "确认五一促销员人数")
    officer_does.click("#due-shortcuts button[data-weekday='2']")
    assert_no_horizontal_scroll(page)
    officer_does.click("[data-testid=save-visit]")
    page.wait_for_url(f"**/sponsors/{merchant.pk}/")
    assert officer_does.count <= 8

    visit = Visit.objects.get()
    assert visit.merchant == merchant and list(visit.members.all()) == [officer]
    followup = FollowUp.objects.get()
    assert followup.due_on == next_tuesday(timezone.localdate()) and followup.owner == officer
    assert "上门拜访 · 王浩然" in page.locator("[data-testid=timeline]").inner_text()
    assert_no_horizontal_scroll(page)

    page.goto(live_server.url + "/sponsors/followups/")
    upcoming = page.locator("[data-testid=followups-upcoming]").inner_text()
    assert "康师傅武汉分公司" in upcoming and "确认五一促销员人数" in upcoming
    assert_no_horizontal_scroll(page)


def test_minister_drags_a_card_on_the_board_and_the_history_shows_it(desktop_page, live_server, log_in):
    minister = MemberFactory(role=Role.MINISTER, display_name="林晓峰")
    merchant = MerchantFactory(name="学而思网校", stage=Stage.CONTACTED)
    MerchantFactory(name="猿辅导", stage=Stage.NEGOTIATING)
    page = desktop_page
    log_in(page, minister)
    page.goto(live_server.url + "/sponsors/board/")
    card = page.locator(f"[data-testid=card-{merchant.pk}] .card-body")
    target = page.locator("[data-testid=column-negotiating]")
    card.drag_to(target)
    # A selector, not wait_for_function: the page's CSP forbids the eval that polling a string needs.
    page.wait_for_selector("#board[data-last-move]", state="attached")
    assert page.locator(f"[data-testid=column-negotiating] [data-testid=card-{merchant.pk}]").count() == 1

    change = StageChange.objects.get()
    assert (change.merchant, change.from_stage, change.to_stage, change.changed_by) == (
        merchant,
        Stage.CONTACTED,
        Stage.NEGOTIATING,
        minister,
    )
    page.goto(live_server.url + merchant.get_absolute_url())
    assert "阶段：已接触 → 洽谈中" in page.locator("[data-testid=timeline]").inner_text()


def test_minister_moves_a_card_with_the_button_on_a_phone(phone_page, live_server, log_in):
    minister = MemberFactory(role=Role.MINISTER)
    merchant = MerchantFactory(name="晨光文具", stage=Stage.SIGNED)
    page = phone_page
    log_in(page, minister)
    page.goto(live_server.url + "/sponsors/board/")
    assert_no_horizontal_scroll(page)
    page.locator(f"[data-testid=move-{merchant.pk}]").click()
    page.locator(f"[data-testid=card-{merchant.pk}] button[value=partner]").click()
    page.wait_for_load_state()
    assert page.locator(f"[data-testid=column-partner] [data-testid=card-{merchant.pk}]").count() == 1
    assert StageChange.objects.get().to_stage == Stage.PARTNER


def test_dragging_a_card_someone_else_moved_meanwhile_says_so_and_puts_it_back(desktop_page, live_server, log_in):
    minister = MemberFactory(role=Role.MINISTER, display_name="林晓峰")
    vice_minister = MemberFactory(role=Role.VICE_MINISTER)
    merchant = MerchantFactory(name="学而思网校", stage=Stage.CONTACTED)
    page = desktop_page
    log_in(page, minister)
    page.goto(live_server.url + "/sponsors/board/")
    # While the board is open, someone else marks the merchant lost.
    merchant_change_stage(merchant=merchant, to_stage=Stage.LOST, by=vice_minister, reason="已选择其他合作方")
    alerts = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.accept()))
    page.locator(f"[data-testid=card-{merchant.pk}] .card-body").drag_to(
        page.locator("[data-testid=column-negotiating]")
    )
    for _ in range(100):  # the alert comes when the server has answered
        if alerts:
            break
        page.wait_for_timeout(100)
    assert alerts == ["此记录已被他人修改，请刷新后重试"]
    assert page.locator(f"[data-testid=column-contacted] [data-testid=card-{merchant.pk}]").count() == 1
    merchant.refresh_from_db()
    assert merchant.stage == Stage.LOST
    assert StageChange.objects.count() == 1
