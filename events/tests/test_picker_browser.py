"""The event pickers in a real browser: the contract list's filter finds its event by search,
the event form adds and removes co-organisers as chips."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from events.models import Event
from events.tests.factories import EventFactory, make_contract
from sponsors.models import MerchantKind
from sponsors.tests.factories import MerchantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_contract_list_filter_finds_the_event_by_search(desktop_page, live_server, log_in, minister):
    volleyball = EventFactory(title="校排球赛")
    make_contract(event=volleyball, owner=minister, clauses=0)
    make_contract(event=EventFactory(title="迎新晚会"), owner=minister, clauses=0)
    page = desktop_page
    log_in(page, minister)
    page.goto(live_server.url + reverse("events:contract-list"))
    expect(page.get_by_test_id("list-count")).to_have_attribute("data-count", "2")

    page.fill("#id_q", "2026")  # the list's own search, beside the picker's
    page.fill("#id_event", "排球")
    page.locator("#id_event_results button[data-name='校排球赛']").click()
    expect(page.locator("#list-filter [data-picker-label]")).to_have_text("校排球赛")
    page.fill("#id_q", "")
    page.get_by_role("button", name="筛选", exact=True).last.click()
    page.wait_for_load_state()

    query = parse_qs(urlparse(page.url).query, keep_blank_values=True)
    assert query["event"] == [str(volleyball.pk)]
    assert query.get("q", [""]) == [""]  # the text typed into the picker is not a second ?q=
    expect(page.get_by_test_id("list-count")).to_have_attribute("data-count", "1")
    expect(page.get_by_test_id("list")).to_contain_text("校排球赛")
    expect(page.locator("#list-filter [data-picker-label]")).to_have_text("校排球赛")

    page.get_by_role("button", name="换一个").click()
    page.get_by_role("button", name="筛选", exact=True).last.click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("list-count")).to_have_attribute("data-count", "2")


def test_the_event_form_adds_and_removes_co_organisers(desktop_page, live_server, log_in, vice_minister):
    hust = MerchantFactory(name="华科学生会外联部", kind=MerchantKind.STUDENT_ORG)
    whu = MerchantFactory(name="武大学生会外联部", kind=MerchantKind.STUDENT_ORG)
    MerchantFactory(name="外联部楼下的奶茶店")
    event = EventFactory(owner=vice_minister, title="三校联合音乐节")
    page = desktop_page
    log_in(page, vice_minister)
    page.goto(live_server.url + reverse("events:event-edit", kwargs={"pk": event.pk}))

    search = page.locator("#id_co_organisers")
    search.fill("外联部")
    results = page.locator("#id_co_organisers_results")
    expect(results.locator("button[data-id]")).to_have_count(2)  # organisations only, not the shop
    results.locator("button[data-name='华科学生会外联部']").click()
    search.fill("武大")
    results.locator("button[data-name='武大学生会外联部']").click()
    chips = page.locator("[data-picker-chip]")
    expect(chips).to_have_count(2)
    page.get_by_role("button", name="移除 华科学生会外联部").click()
    expect(chips).to_have_count(1)
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()

    assert list(Event.objects.get(pk=event.pk).co_organisers.all()) == [whu]
    assert hust not in Event.objects.get(pk=event.pk).co_organisers.all()
    expect(page.get_by_text("武大学生会外联部")).to_be_visible()
