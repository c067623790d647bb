"""Issue 15: the event pages stay the same size however many events, proposals, contracts and
organisations the record holds: the latest few with the total and a link to the rest, and
pickers that search instead of a <select> of every row."""

import re

import factory
import pytest
from django.core.cache import cache
from django.urls import reverse

from events.models import Contract, ContractStatus, Event
from events.queries import EVENT_DETAIL_LATEST, EVENT_SEARCH_LIMIT
from events.tests.factories import EventFactory, ProposalFactory, make_contract
from outreach.listing import PER_PAGE
from sponsors.models import MerchantKind
from sponsors.tests.factories import MerchantFactory

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _grow_event(event, proposals: int, contracts: int, owner) -> None:
    start = event.proposals.count()
    for index in range(start, start + proposals):
        ProposalFactory(event=event, title=f"方案书{index:03d}")
    for _ in range(contracts):
        make_contract(event=event, owner=owner, clauses=0, instalments=[])


# --- The event page: the latest proposals and contracts, the totals, the links


def test_the_event_page_shows_the_latest_ten_proposals_and_contracts_and_links_to_all(
    client_for, vice_minister, django_assert_num_queries
):
    event = EventFactory(owner=vice_minister)
    _grow_event(event, proposals=EVENT_DETAIL_LATEST + 3, contracts=EVENT_DETAIL_LATEST + 2, owner=vice_minister)
    client = client_for(vice_minister)
    url = reverse("events:event-detail", kwargs={"pk": event.pk})
    with django_assert_num_queries(15):
        page = _html(client.get(url))
    assert page.count('data-testid="proposal"') == EVENT_DETAIL_LATEST
    assert page.count('data-testid="contract"') == EVENT_DETAIL_LATEST
    assert "方案书012" in page and "方案书000" not in page  # the latest first
    proposals = reverse("events:event-proposals", kwargs={"pk": event.pk})
    assert re.search(rf'href="{proposals}" data-testid="all-proposals">全部 13 个<', page)
    contracts = reverse("events:contract-list") + f"?event={event.pk}"
    assert re.search(rf'href="{re.escape(contracts)}" data-testid="all-contracts">全部 12 个<', page)

    _grow_event(event, proposals=20, contracts=5, owner=vice_minister)
    with django_assert_num_queries(15):
        page = _html(client.get(url))
    assert page.count('data-testid="proposal"') == EVENT_DETAIL_LATEST
    assert page.count('data-testid="contract"') == EVENT_DETAIL_LATEST
    assert "全部 33 个" in page and "全部 17 个" in page


def test_an_event_with_few_proposals_shows_them_all_without_a_link(client_for, officer):
    event = EventFactory()
    _grow_event(event, proposals=2, contracts=1, owner=officer)
    page = _html(client_for(officer).get(reverse("events:event-detail", kwargs={"pk": event.pk})))
    assert page.count('data-testid="proposal"') == 2 and page.count('data-testid="contract"') == 1
    assert "all-proposals" not in page and "all-contracts" not in page


def test_the_event_s_proposal_list_is_a_page_of_25_with_the_total(client_for, officer, django_assert_num_queries):
    event = EventFactory()
    ProposalFactory.create_batch(PER_PAGE + 5, event=event)
    ProposalFactory()  # another event's
    client = client_for(officer)
    url = reverse("events:event-proposals", kwargs={"pk": event.pk})
    with django_assert_num_queries(8):
        first = _html(client.get(url))
    assert first.count('data-testid="proposal"') == PER_PAGE and "共 30 份" in first
    assert _html(client.get(url + "?page=2")).count('data-testid="proposal"') == 5


def test_the_contract_list_of_the_event_link_lists_only_that_event_s_contracts(client_for, minister):
    event = EventFactory()
    _grow_event(event, proposals=0, contracts=EVENT_DETAIL_LATEST + 1, owner=minister)
    make_contract(owner=minister, clauses=0, instalments=[])  # another event's
    response = client_for(minister).get(reverse("events:contract-list") + f"?event={event.pk}")
    assert response.context["page_obj"].paginator.count == EVENT_DETAIL_LATEST + 1


# --- The event picker of the contract and payment lists


@pytest.fixture
def many_events(db):
    return EventFactory.create_batch(30, title=factory.Sequence(lambda n: f"迎新晚会{n:03d}"))


def test_event_search_refuses_a_visitor_and_an_outsider(client, client_for, outsider, many_events):
    url = reverse("events:event-search")
    visitor = client.get(url, {"q": "迎新"})
    assert visitor.status_code == 302 and visitor["Location"].startswith(reverse("login"))
    assert client_for(outsider).get(url, {"q": "迎新"}).status_code == 403


def test_event_search_gives_a_member_a_few_matches_only(client_for, officer, many_events):
    client = client_for(officer)
    url = reverse("events:event-search")
    page = _html(client.get(url, {"q": "迎新"}))
    assert page.count("data-id=") == EVENT_SEARCH_LIMIT  # bounded, whatever the table holds
    assert f'data-name="{many_events[-1].title}"' in page  # the latest first (same day: by id)
    one = _html(client.get(url, {"q": many_events[7].title}))
    assert one.count("data-id=") == 1 and f'data-id="{many_events[7].pk}"' in one
    assert "data-id=" not in _html(client.get(url, {"q": "  "}))
    assert "没有找到" in _html(client.get(url, {"q": "不存在的活动"}))


@pytest.mark.parametrize("url_name", ["events:contract-list", "events:payment-list"])
def test_the_list_filters_pick_the_event_by_search_not_from_every_event(client_for, minister, many_events, url_name):
    client = client_for(minister)
    page = _html(client.get(reverse(url_name)))
    assert 'name="event"' in page and not re.search(r'<select[^>]*name="event"', page)
    assert many_events[0].title not in page and many_events[-1].title not in page
    assert reverse("events:event-search") in page
    # the typed text is never submitted with the filter form (it would be a second ?q=)
    assert 'name="q" form="id_event_detached"' in page


@pytest.mark.parametrize("url_name", ["events:contract-list", "events:payment-list"])
def test_the_list_still_filters_by_the_event_id_and_names_the_chosen_event(
    client_for, minister, url_name, django_assert_num_queries
):
    chosen = make_contract(owner=minister, clauses=0)
    other = make_contract(owner=minister, clauses=0)
    Contract.objects.filter(pk__in=[chosen.pk, other.pk]).update(status=ContractStatus.IN_FULFILMENT)
    client = client_for(minister)
    url = reverse(url_name) + f"?event={chosen.event_id}"
    response = client.get(url)
    assert response.context["page_obj"].paginator.count == 1
    page = _html(response)
    assert f'name="event" value="{chosen.event_id}"' in page
    assert re.search(rf"data-picker-label>{re.escape(chosen.event.title)}<", page)
    # more events, same queries (each time with nothing cached: the filter's fields are kept)
    EventFactory.create_batch(20)
    expected = _queries(client, url)
    cache.clear()
    with django_assert_num_queries(expected):
        client.get(url)


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def test_list_query_counts_do_not_grow_with_the_events(client_for, minister, django_assert_num_queries):
    client = client_for(minister)
    make_contract(owner=minister, clauses=0)
    counts = {name: _queries(client, reverse(name)) for name in ("events:contract-list", "events:payment-list")}
    EventFactory.create_batch(30)
    for name, count in counts.items():
        with django_assert_num_queries(count):
            client.get(reverse(name))


# --- The co-organisers of the event form


@pytest.fixture
def organisations(db):
    return MerchantFactory.create_batch(
        30, kind=MerchantKind.STUDENT_ORG, name=factory.Sequence(lambda n: f"兄弟院校外联部{n:03d}")
    )


def test_the_event_form_picks_co_organisers_by_search_not_from_every_organisation(
    client_for, vice_minister, organisations
):
    page = _html(client_for(vice_minister).get(reverse("events:event-create")))
    assert not re.search(r'<select[^>]*name="co_organisers"', page)
    assert organisations[0].name not in page and organisations[-1].name not in page
    assert "data-picker-multiple" in page and reverse("sponsors:merchant-search") + "?scope=organisations" in page


def test_the_organisation_search_offers_only_organisations(client_for, vice_minister, organisations):
    MerchantFactory(name="兄弟院校外联部旁的奶茶店")
    url = reverse("sponsors:merchant-search")
    page = _html(client_for(vice_minister).get(url, {"q": "兄弟院校", "scope": "organisations"}))
    assert page.count("data-id=") == 8 and "奶茶店" not in page
    shop = _html(client_for(vice_minister).get(url, {"q": "奶茶店", "scope": "organisations"}))
    assert "data-id=" not in shop


def test_chosen_co_organisers_are_saved_and_shown_as_chips(client_for, vice_minister, organisations):
    event = EventFactory(owner=vice_minister)
    first, second = organisations[3], organisations[17]
    client = client_for(vice_minister)
    url = reverse("events:event-edit", kwargs={"pk": event.pk})
    data = {
        "title": event.title,
        "kind": event.kind,
        "status": event.status,
        "starts_on": event.starts_on.isoformat(),
        "expected_audience": 100,
        "sponsorship_target": "5000",
        "co_organisers": [first.pk, second.pk],
    }
    assert client.post(url, data).status_code == 302
    assert set(Event.objects.get(pk=event.pk).co_organisers.all()) == {first, second}
    page = _html(client.get(url))
    assert page.count("data-picker-chip>") == 2
    assert f'name="co_organisers" value="{first.pk}"' in page and second.name in page
    assert organisations[0].name not in page

    # removing every chip clears them; a shop posted past the picker is refused
    assert client.post(url, {**data, "co_organisers": []}).status_code == 302
    assert not Event.objects.get(pk=event.pk).co_organisers.exists()
    shop = MerchantFactory()
    refused = client.post(url, {**data, "co_organisers": [shop.pk]})
    assert refused.status_code == 200 and "is-invalid" in refused.content.decode()
    assert not Event.objects.get(pk=event.pk).co_organisers.exists()
