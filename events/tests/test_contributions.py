from datetime import timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from events import services
from events.queries import joint_events_by_organisation, timeline_entries
from events.tests.factories import EventFactory, MerchantFactory, ProposalFactory, make_signed_contract, png_upload
from outreach.contributions import HANDOVERS, METRICS
from outreach.tests.factories import MemberFactory
from sponsors.timeline import SOURCES, timeline_for

pytestmark = pytest.mark.django_db


def test_proposals_contracts_and_payments_appear_on_the_merchant_timeline(
    officer, minister, django_assert_max_num_queries
):
    merchant = MerchantFactory()
    for _ in range(5):
        ProposalFactory(merchant=merchant)
    contracts = [make_signed_contract(owner=officer, minister=minister, merchant=merchant, clauses=1) for _ in range(3)]
    for contract in contracts:
        services.payment_receive(payment=contract.payments.get())
    assert timeline_entries in SOURCES
    with django_assert_max_num_queries(3):
        entries = timeline_entries(merchant)
    kinds = [entry.kind for entry in entries]
    assert kinds.count("proposal") == 5 and kinds.count("contract") == 3 and kinds.count("payment") == 3
    assert any(contracts[0].number in entry.title for entry in timeline_for(merchant))


def test_merchant_page_shows_contracts_when_it_exists(client_for, officer, minister):
    merchant = MerchantFactory()
    contract = make_signed_contract(owner=officer, minister=minister, merchant=merchant, clauses=1)
    try:
        url = reverse("sponsors:merchant-detail", args=[merchant.pk])
    except NoReverseMatch:
        pytest.skip("the sponsors app has no merchant page yet")
    assert contract.number in client_for(officer).get(url).content.decode()


def test_contracts_signed_are_credited_to_their_owner(officer, minister):
    make_signed_contract(owner=officer, minister=minister, clauses=1)
    make_signed_contract(owner=officer, minister=minister, clauses=1)
    today = timezone.localdate()
    count = METRICS["contract_signed"].count
    assert count(today, today) == {officer.pk: 2}
    assert count(today - timedelta(days=9), today - timedelta(days=1)) == {}


def test_verified_deliverables_are_credited_to_their_owner(officer, minister):
    contract = make_signed_contract(owner=officer, minister=minister, clauses=2)
    for deliverable in contract.deliverables.all():
        services.deliverable_complete(deliverable=deliverable, member=officer, note="", images=[png_upload()])
    services.deliverable_verify(deliverable=contract.deliverables.first(), member=minister)
    today = timezone.localdate()
    assert METRICS["deliverable_verified"].count(today, today) == {officer.pk: 1}


def test_handover_moves_open_deliverables_only(officer, minister):
    successor = MemberFactory()
    contract = make_signed_contract(owner=officer, minister=minister, clauses=3)
    verified = contract.deliverables.first()
    services.deliverable_complete(deliverable=verified, member=officer, note="", images=[png_upload()])
    services.deliverable_verify(deliverable=verified, member=minister)
    assert HANDOVERS["deliverables"].transfer(officer, successor) == 2
    assert contract.deliverables.filter(owner=successor).count() == 2
    verified.refresh_from_db()
    assert verified.owner == officer


def test_joint_events_by_organisation_in_one_query(django_assert_num_queries):
    union = MerchantFactory(kind="student_org", name="武汉某大学学生会")
    other = MerchantFactory(kind="student_org")
    gala = EventFactory(title="迎新晚会")
    contest = EventFactory(title="辩论联赛")
    gala.co_organisers.set([union, other])
    contest.co_organisers.set([union])
    EventFactory()
    with django_assert_num_queries(1):
        result = joint_events_by_organisation([union.pk, other.pk, 999])
        titles = {key: sorted(event.title for event in events) for key, events in result.items()}
    assert titles == {union.pk: sorted(["迎新晚会", "辩论联赛"]), other.pk: ["迎新晚会"]}
