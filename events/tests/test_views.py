from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Contract, ContractStatus, DeliverableStatus, Event
from events.tests.factories import (
    BenefitFactory,
    EventFactory,
    MerchantFactory,
    ProposalFactory,
    make_contract,
    make_signed_contract,
    png_upload,
)
from sponsors.models import BlacklistReason, Industry, VettingStatus

pytestmark = pytest.mark.django_db

ROLES = ["officer", "vice_minister", "minister", "advisor"]


@pytest.fixture
def contract(officer):
    return make_contract(owner=officer)


def read_urls(contract):
    return [
        reverse("events:event-list"),
        reverse("events:event-detail", args=[contract.event_id]),
        reverse("events:contract-detail", args=[contract.pk]),
        reverse("events:contract-pdf", args=[contract.pk]),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_events_and_contracts(request, client_for, contract, role):
    client = client_for(request.getfixturevalue(role))
    for url in read_urls(contract):
        assert client.get(url).status_code == 200, url


def test_outsider_sees_nothing(client_for, outsider, contract):
    client = client_for(outsider)
    for url in read_urls(contract):
        assert client.get(url).status_code == 403, url


def test_anonymous_is_sent_to_login(client, contract):
    for url in read_urls(contract):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("role", "allowed"), [("officer", True), ("vice_minister", True), ("minister", True), ("advisor", False)]
)
def test_writers_create_events_and_the_advisor_cannot(request, client_for, role, allowed):
    client = client_for(request.getfixturevalue(role))
    industry = Industry.objects.get(name="运动")
    response = client.post(
        reverse("events:event-create"),
        {
            "title": "校排球赛",
            "kind": "sports",
            "status": "planning",
            "starts_on": "2026-05-05",
            "ends_on": "2026-05-06",
            "expected_audience": "800",
            "sponsorship_target": "5000",
            "industries": [industry.pk],
        },
    )
    assert response.status_code == (302 if allowed else 403)
    assert Event.objects.filter(title="校排球赛").exists() is allowed


@pytest.mark.parametrize(
    ("role", "status"), [("officer", 403), ("vice_minister", 403), ("advisor", 403), ("minister", 302)]
)
def test_only_the_minister_approves_a_contract(request, client_for, officer, role, status):
    contract = make_contract(owner=officer, cash=Decimal("1000"))
    services.contract_submit(contract=contract, member=officer)
    response = client_for(request.getfixturevalue(role)).post(reverse("events:contract-approve", args=[contract.pk]))
    assert response.status_code == status
    contract.refresh_from_db()
    assert (contract.status == ContractStatus.APPROVED) is (role == "minister")


def test_anonymous_cannot_approve(client, officer):
    contract = make_contract(owner=officer)
    response = client.post(reverse("events:contract-approve", args=[contract.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("role", "status"), [("officer", 403), ("vice_minister", 403), ("minister", 403), ("advisor", 302)]
)
def test_only_the_advisor_signs_off_large_contracts(request, client_for, officer, role, status, settings):
    settings.CONTRACT_ADVISOR_SIGNOFF_ABOVE = 5000.0
    contract = make_contract(owner=officer, cash=Decimal("6000"))
    services.contract_submit(contract=contract, member=officer)
    response = client_for(request.getfixturevalue(role)).post(reverse("events:contract-signoff", args=[contract.pk]))
    assert response.status_code == status


def test_signed_contract_edit_page_refuses_changes(client_for, officer, minister):
    contract = make_signed_contract(owner=officer, minister=minister)
    client = client_for(officer)
    response = client.post(
        reverse("events:contract-edit", args=[contract.pk]),
        {"merchant": contract.merchant_id, "cash_amount": "1", "breach_terms": "无"},
        follow=True,
    )
    assert response.redirect_chain == [(contract.get_absolute_url(), 302)]
    assert "不能再修改" in response.content.decode()
    contract.refresh_from_db()
    assert contract.cash_amount == Decimal("3000")
    benefit = BenefitFactory(event=contract.event)
    response = client.post(reverse("events:clause-create", args=[contract.pk]), {"benefit": benefit.pk})
    assert "不能再修改" in response.content.decode()


@pytest.mark.parametrize("frozen", ["submitted", "signed"])
def test_edit_page_of_a_frozen_contract_sends_back_to_the_contract_with_the_reason(
    client_for, officer, minister, frozen
):
    if frozen == "signed":
        contract = make_signed_contract(owner=officer, minister=minister)
    else:
        contract = make_contract(owner=officer)
        services.contract_submit(contract=contract, member=officer)
    response = client_for(officer).get(reverse("events:contract-edit", args=[contract.pk]), follow=True)
    assert response.redirect_chain == [(contract.get_absolute_url(), 302)]
    assert "合同已提交审批或已签署，不能再修改" in response.content.decode()


def test_an_unknown_proposal_status_is_refused_with_a_message(client_for, officer):
    proposal = ProposalFactory(created_by=officer)
    response = client_for(officer).post(
        reverse("events:proposal-status", args=[proposal.pk]), {"status": "bogus"}, follow=True
    )
    assert response.status_code == 200
    assert "请选择有效的方案书状态。" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "draft"


def test_blacklisted_merchant_is_not_offered_in_the_contract_form(client_for, officer):
    merchant = MerchantFactory(name="某传销公司")
    merchant.vetting_status = VettingStatus.BLACKLISTED
    merchant.blacklist_reason = BlacklistReason.PYRAMID
    merchant.save()
    event = EventFactory()
    client = client_for(officer)
    assert "某传销公司" not in client.get(reverse("events:contract-create", args=[event.pk])).content.decode()
    response = client.post(
        reverse("events:contract-create", args=[event.pk]), {"merchant": merchant.pk, "cash_amount": "100"}
    )
    assert response.status_code == 200
    assert not Contract.objects.exists()


def test_unapproved_benefit_is_not_offered_in_the_package_form(client_for, officer):
    proposal = ProposalFactory()
    pending = BenefitFactory(event=proposal.event, approved_by=[], placement="待定位置")
    approved = BenefitFactory(event=proposal.event, placement="北侧围栏")
    page = client_for(officer).get(reverse("events:package-create", args=[proposal.pk])).content.decode()
    assert "北侧围栏" in page and "待定位置" not in page
    response = client_for(officer).post(
        reverse("events:package-create", args=[proposal.pk]),
        {"tier": "sponsor", "price": "100", "benefits": [pending.pk, approved.pk]},
    )
    assert response.status_code == 200
    assert not proposal.packages.exists()


@pytest.mark.parametrize(
    ("role", "status"), [("officer", 403), ("advisor", 403), ("vice_minister", 302), ("minister", 302)]
)
def test_leaders_verify_deliverables(request, client_for, officer, minister, role, status):
    contract = make_signed_contract(owner=officer, minister=minister, clauses=1)
    deliverable = contract.deliverables.get()
    services.deliverable_complete(deliverable=deliverable, member=officer, note="", images=[png_upload()])
    response = client_for(request.getfixturevalue(role)).post(
        reverse("events:deliverable-verify", args=[deliverable.pk])
    )
    assert response.status_code == status
    deliverable.refresh_from_db()
    assert (deliverable.status == DeliverableStatus.VERIFIED) is (status == 302)


@pytest.mark.parametrize(
    ("role", "status"), [("officer", 302), ("vice_minister", 302), ("minister", 302), ("advisor", 403)]
)
def test_writers_complete_deliverables_with_a_photo(request, client_for, officer, minister, role, status):
    contract = make_signed_contract(owner=officer, minister=minister, clauses=1)
    deliverable = contract.deliverables.get()
    response = client_for(request.getfixturevalue(role)).post(
        reverse("events:deliverable-complete", args=[deliverable.pk]), {"note": "已挂好", "photos": [png_upload()]}
    )
    assert response.status_code == status


def test_evidence_is_served_only_to_members(client, client_for, officer, minister, outsider):
    contract = make_signed_contract(owner=officer, minister=minister, clauses=1)
    deliverable = contract.deliverables.get()
    services.deliverable_complete(deliverable=deliverable, member=officer, note="", images=[png_upload()])
    evidence = deliverable.evidence.get()
    url = reverse("events:evidence-file", args=[evidence.pk])
    assert not url.startswith("/media/")
    assert client.get(url).status_code == 302
    assert client_for(outsider).get(url).status_code == 403
    response = client_for(officer).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert client_for(officer).get(reverse("events:contract-scan", args=[contract.pk])).status_code == 200


def test_event_page_shows_money_and_suggests_unapproached_merchants(client_for, officer, minister):
    sport = Industry.objects.get(name="运动")
    event = EventFactory(sponsorship_target=Decimal("10000"))
    event.industries.set([sport])
    MerchantFactory(name="安踏体育", industry=sport)
    approached = MerchantFactory(name="李宁专卖店(光谷店)", industry=sport)
    ProposalFactory(event=event, merchant=approached)
    page = client_for(officer).get(reverse("events:event-detail", args=[event.pk])).content.decode()
    suggestions = page.split('id="suggestions"')[1].split("</section>")[0]
    assert "安踏体育" in suggestions
    assert "李宁专卖店" not in suggestions
    assert "¥10,000.00" in page


# --- Query counts on dozens of rows


def _busy_event(officer, minister):
    event = EventFactory()
    event.industries.set(Industry.objects.all()[:3])
    for _ in range(3):
        contract = make_signed_contract(
            owner=officer, minister=minister, event=event, clauses=8, instalments=[2500, (500, timezone.localdate())]
        )
        for deliverable in contract.deliverables.all()[:4]:
            services.deliverable_complete(deliverable=deliverable, member=officer, note="ok", images=[png_upload()])
    for index in range(10):
        ProposalFactory(event=event)
        services.material_add(event=event, name=f"物资{index}", source="bought", cost=Decimal("10"))
    return event


def test_event_list_query_count_is_fixed(client_for, officer, django_assert_max_num_queries):
    for index in range(30):
        event = EventFactory(starts_on=timezone.localdate() + timedelta(days=index))
        event.industries.set(Industry.objects.all()[:2])
    client = client_for(officer)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("events:event-list"))
    page = response.content.decode()
    assert page.count("<tr>") == 26  # a page of 25 and the header
    assert "page=2" in page


def test_event_detail_query_count_is_fixed(client_for, officer, minister, django_assert_max_num_queries):
    event = _busy_event(officer, minister)
    client = client_for(officer)
    with django_assert_max_num_queries(22):
        assert client.get(reverse("events:event-detail", args=[event.pk])).status_code == 200


def test_contract_detail_and_pdfs_query_count_is_fixed(client_for, officer, minister, django_assert_max_num_queries):
    event = _busy_event(officer, minister)
    contract = event.contracts.first()
    client = client_for(officer)
    for name in ("events:contract-detail", "events:contract-pdf", "events:fulfilment-report-pdf"):
        with django_assert_max_num_queries(20):
            assert client.get(reverse(name, args=[contract.pk])).status_code == 200


def test_merchant_link_pages_query_count_is_fixed(client, officer, minister, django_assert_max_num_queries):
    """What the sponsor opens without an account: 8 clauses, evidence photos, payments."""
    contract = _busy_event(officer, minister).contracts.first()
    _link, token = services.merchant_link_create(contract=contract, created_by=officer)
    for name in ("events:merchant-link", "events:merchant-link-contract-pdf", "events:merchant-link-report-pdf"):
        with django_assert_max_num_queries(15):
            assert client.get(reverse(name, args=[token])).status_code == 200


def test_proposal_detail_query_count_is_fixed(client_for, officer, django_assert_max_num_queries):
    proposal = ProposalFactory()
    benefits = [BenefitFactory(event=proposal.event) for _ in range(10)]
    for _ in range(6):
        services.proposal_package_add(proposal=proposal, tier="sponsor", price=Decimal("100"), benefits=benefits)
    client = client_for(officer)
    for name in ("events:proposal-detail", "events:proposal-pdf"):
        with django_assert_max_num_queries(15):
            assert client.get(reverse(name, args=[proposal.pk])).status_code == 200


@pytest.mark.parametrize(("role", "status"), [("officer", 302), ("advisor", 403)])
def test_writers_assign_a_deliverable_to_another_member(
    request, client_for, officer, minister, vice_minister, role, status
):
    deliverable = make_signed_contract(owner=officer, minister=minister, clauses=1).deliverables.get()
    due = timezone.localdate() + timedelta(days=3)
    response = client_for(request.getfixturevalue(role)).post(
        reverse("events:deliverable-assign", args=[deliverable.pk]),
        {"owner": vice_minister.pk, "due_on": due.isoformat()},
    )
    assert response.status_code == status
    deliverable.refresh_from_db()
    assert (deliverable.owner == vice_minister) is (status == 302)


def test_missing_objects_are_404_for_members(client_for, officer):
    client = client_for(officer)
    for name in ("events:event-detail", "events:contract-detail", "events:proposal-detail", "events:evidence-file"):
        assert client.get(reverse(name, args=[987654])).status_code == 404, name
