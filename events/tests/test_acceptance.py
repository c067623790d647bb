"""The sponsor accepts what was delivered on its signed link (no account): confirms each benefit
or objects with a comment; the instalment tied to acceptance falls due when the last benefit is
confirmed (or when the default period after the report runs out without an objection)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Acceptance, AcceptanceAction, Payment
from events.tests.factories import make_contract, make_signed_contract, png_upload

pytestmark = pytest.mark.django_db


def deliver_all(contract, officer, vice_minister):
    for deliverable in contract.deliverables.all():
        services.deliverable_complete(deliverable=deliverable, member=officer, note="已挂好", images=[png_upload()])
        services.deliverable_verify(deliverable=deliverable, member=vice_minister)


@pytest.fixture
def fulfilled(officer, minister, vice_minister):
    contract = make_signed_contract(
        owner=officer,
        minister=minister,
        clauses=3,
        cash=Decimal("3000"),
        instalments=[("2000", timezone.localdate()), ("1000", None)],
    )
    deliver_all(contract, officer, vice_minister)
    return contract


def acceptance_payment(contract) -> Payment:
    return contract.payments.get(on_acceptance=True)


def test_sponsor_confirms_two_objects_to_one_and_the_instalment_waits_for_the_last(
    client_for, officer, minister, vice_minister, fulfilled
):
    client = Client()  # the sponsor: no account, only the link
    _link, token = services.merchant_link_create(contract=fulfilled, created_by=officer)
    first, second, third = fulfilled.deliverables.order_by("pk")
    url = lambda name, d: reverse(f"events:merchant-link-{name}", args=[token, d.pk])  # noqa: E731

    # On the link, without signing in: two confirmed, one objected to.
    page = client.get(reverse("events:merchant-link", args=[token])).content.decode()
    assert page.count("确认验收</button>") == 3
    for deliverable in (first, second):
        assert client.post(url("confirm", deliverable), REMOTE_ADDR="203.0.113.7").status_code == 302
    response = client.post(
        url("object", third), {"comment": "横幅挂在了南侧，合同写的是北侧围栏"}, REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 302
    page = client.get(reverse("events:merchant-link", args=[token])).content.decode()
    assert "已确认 2 项，有异议 1 项，待您验收 0 项。" in page
    assert acceptance_payment(fulfilled).due_on is None

    # The drafter and the minister are told of the objection, with the sponsor's words.
    for member in (officer, minister):
        told = member.notifications.get(key__startswith="acceptance-objected:")
        assert fulfilled.number in told.title and "北侧围栏" in told.body

    # The contract page shows confirmed / objected / unanswered, and who did what from where.
    staff = client_for(officer)
    page = staff.get(fulfilled.get_absolute_url()).content.decode()
    assert "已确认 2 项，有异议 1 项，未答复 0 项" in page
    assert "横幅挂在了南侧" in page
    assert page.count("IP 203.0.113.7") == 3
    records = list(fulfilled.acceptance_records.values_list("action", "ip"))
    assert records == [("confirmed", "203.0.113.7")] * 2 + [("objected", "203.0.113.7")]

    # The department resolves the objection: the benefit goes back to the sponsor; still not due.
    staff.post(reverse("events:objection-resolve", args=[third.pk]), {"note": "已移到北侧围栏，见新照片"})
    third.refresh_from_db()
    assert third.acceptance == Acceptance.PENDING
    assert acceptance_payment(fulfilled).due_on is None

    # The sponsor confirms the last one: the instalment falls due today and the drafter hears.
    client.post(url("confirm", third), REMOTE_ADDR="203.0.113.7")
    assert acceptance_payment(fulfilled).due_on == timezone.localdate()
    assert officer.notifications.filter(key=f"acceptance-complete:{fulfilled.pk}").exists()
    page = staff.get(fulfilled.get_absolute_url()).content.decode()
    assert "已确认 3 项，有异议 0 项，未答复 0 项" in page
    assert "已移到北侧围栏" in page


def test_objection_needs_a_comment_and_writes_nothing_without_one(client, officer, fulfilled):
    _link, token = services.merchant_link_create(contract=fulfilled, created_by=officer)
    deliverable = fulfilled.deliverables.first()
    response = client.post(reverse("events:merchant-link-object", args=[token, deliverable.pk]), {"comment": "  "})
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    deliverable.refresh_from_db()
    assert deliverable.acceptance == Acceptance.PENDING
    assert not fulfilled.acceptance_records.exists()


def test_a_link_answers_only_for_its_own_contract_and_delivered_benefits(client, officer, minister, fulfilled):
    other = make_signed_contract(owner=officer, minister=minister, clauses=1)
    _link, token = services.merchant_link_create(contract=fulfilled, created_by=officer)
    foreign = other.deliverables.get()
    client.post(reverse("events:merchant-link-confirm", args=[token, foreign.pk]))
    foreign.refresh_from_db()
    assert foreign.acceptance == Acceptance.PENDING
    # a benefit not yet delivered cannot be confirmed
    _other_link, other_token = services.merchant_link_create(contract=other, created_by=officer)
    client.post(reverse("events:merchant-link-confirm", args=[other_token, foreign.pk]))
    foreign.refresh_from_db()
    assert foreign.acceptance == Acceptance.PENDING
    # a revoked link confirms nothing
    link, token = services.merchant_link_create(contract=fulfilled, created_by=officer)
    services.merchant_link_revoke(link=link)
    deliverable = fulfilled.deliverables.first()
    assert client.post(reverse("events:merchant-link-confirm", args=[token, deliverable.pk])).status_code == 404


def test_instalment_falls_due_days_after_the_report_without_objection(officer, minister, vice_minister):
    contract = make_signed_contract(owner=officer, minister=minister, clauses=2, instalments=[("3000", None)])
    contract.acceptance_days = 7
    contract.save(update_fields=["acceptance_days"])
    payment = contract.payments.get()
    deliver_all(contract, officer, vice_minister)
    contract.refresh_from_db()
    services.contract_report_sent(contract=contract, member=officer)
    sent_on = timezone.localdate()
    assert services.acceptance_payments_sweep(today=sent_on + timedelta(days=6)) == 0
    payment.refresh_from_db()
    assert payment.due_on is None
    assert services.acceptance_payments_sweep(today=sent_on + timedelta(days=7)) == 1
    payment.refresh_from_db()
    assert payment.due_on == sent_on + timedelta(days=7)
    assert contract.acceptance_records.filter(action=AcceptanceAction.DEEMED).exists()
    assert services.acceptance_payments_sweep(today=sent_on + timedelta(days=8)) == 0


def test_an_open_objection_stops_the_default_acceptance(client, officer, minister, vice_minister):
    contract = make_signed_contract(owner=officer, minister=minister, clauses=2, instalments=[("3000", None)])
    contract.acceptance_days = 3
    contract.save(update_fields=["acceptance_days"])
    payment = contract.payments.get()
    deliver_all(contract, officer, vice_minister)
    contract.refresh_from_db()
    services.contract_report_sent(contract=contract, member=officer)
    link, _token = services.merchant_link_create(contract=contract, created_by=officer)
    services.acceptance_object(
        link=link, deliverable_id=contract.deliverables.first().pk, comment="照片看不清", ip=None
    )
    assert services.acceptance_payments_sweep(today=timezone.localdate() + timedelta(days=30)) == 0
    payment.refresh_from_db()
    assert payment.due_on is None


def test_receipt_handover_is_recorded(client_for, officer, fulfilled):
    client = client_for(officer)
    client.post(
        reverse("events:contract-receipt", args=[fulfilled.pk]),
        {"handed_on": "2026-05-10", "note": "财务处收据 No.0012"},
    )
    fulfilled.refresh_from_db()
    assert fulfilled.receipt_handed_on.isoformat() == "2026-05-10"
    assert (
        "收据已于 2026-05-10 交给赞助方。 财务处收据 No.0012"
        in client.get(fulfilled.get_absolute_url()).content.decode()
    )


def test_payment_without_date_must_be_tied_to_acceptance(client_for, officer, minister):
    contract = make_contract(owner=officer, clauses=1, instalments=[])
    response = client_for(officer).post(reverse("events:payment-create", args=[contract.pk]), {"amount": "500"})
    assert response.status_code == 200
    assert "请填写应付日期，或勾选“验收后支付”。" in response.content.decode()
    assert not contract.payments.exists()


def test_contract_page_query_count_with_acceptance(client_for, officer, fulfilled, django_assert_max_num_queries):
    link, _token = services.merchant_link_create(contract=fulfilled, created_by=officer)
    for deliverable in fulfilled.deliverables.all():
        services.acceptance_confirm(link=link, deliverable_id=deliverable.pk, ip="198.51.100.1")
    client = client_for(officer)
    client.get(fulfilled.get_absolute_url())
    with django_assert_max_num_queries(30):
        assert client.get(fulfilled.get_absolute_url()).status_code == 200


def test_link_page_query_count(client, officer, fulfilled, django_assert_max_num_queries):
    _link, token = services.merchant_link_create(contract=fulfilled, created_by=officer)
    url = reverse("events:merchant-link", args=[token])
    client.get(url)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
