"""The contract, deliverable and payment lists: filters, what an officer sees, the export."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from events.models import Contract, ContractStatus, Payment
from outreach.roles import Role
from outreach.tests.dashboard_data import record
from outreach.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _count(response) -> int:
    assert response.status_code == 200
    return response.context["page_obj"].paginator.count


def test_contract_list_filters_by_status_event_and_merchant(client_for, minister):
    record(6)
    client = client_for(minister)
    url = reverse("events:contract-list")
    assert _count(client.get(url)) == 6
    assert _count(client.get(url + "?status=submitted")) == 2
    assert _count(client.get(url + "?status=signed")) == 4
    contract = Contract.objects.filter(status=ContractStatus.IN_FULFILMENT).first()
    assert _count(client.get(url + f"?event={contract.event_id}")) == 1
    assert _count(client.get(url + f"?merchant={contract.merchant_id}&status=submitted")) == 0


def test_waiting_for_me_is_the_minister_s_approvals_and_the_drafter_s_next_steps(client_for, minister):
    _semester, members = record(6)
    waiting = reverse("events:contract-list") + "?waiting=true"
    assert _count(client_for(minister).get(waiting)) == 2
    drafter = members[0]
    Contract.objects.filter(owner=drafter).update(status=ContractStatus.APPROVED)
    assert _count(client_for(drafter).get(waiting)) == Contract.objects.filter(owner=drafter).count()


def test_the_advisor_waits_only_for_contracts_above_the_sign_off_amount(client_for, advisor, settings):
    record(3)
    waiting = reverse("events:contract-list") + "?waiting=true"
    settings.CONTRACT_ADVISOR_SIGNOFF_ABOVE = 5000
    assert _count(client_for(advisor).get(waiting)) == 0
    settings.CONTRACT_ADVISOR_SIGNOFF_ABOVE = 850  # 800 cash + 100 in kind is above it
    assert _count(client_for(advisor).get(waiting)) == 1


def test_an_officer_sees_only_their_own_contracts_deliverables_and_payments(client_for):
    officer = MemberFactory(role=Role.OFFICER)
    other = MemberFactory(role=Role.OFFICER)
    record(4, members=[officer, other])
    client = client_for(officer)
    assert _count(client.get(reverse("events:contract-list"))) == 2
    assert _count(client.get(reverse("events:deliverable-list"))) == 2
    payments = client.get(reverse("events:payment-list"))
    assert {p.contract.owner_id for p in payments.context["page_obj"]} == {officer.pk}
    assert "owner" not in payments.context["form"].fields


def test_payment_list_splits_due_overdue_and_received_and_totals_them(client_for, vice_minister):
    record(3)
    contract = Contract.objects.filter(status=ContractStatus.IN_FULFILMENT).first()
    Payment.objects.create(contract=contract, amount=Decimal("250"), due_on=timezone.localdate() + timedelta(days=3))
    client = client_for(vice_minister)
    url = reverse("events:payment-list")
    assert _count(client.get(url + "?state=overdue")) == 2
    assert _count(client.get(url + "?state=due")) == 1
    received = client.get(url + "?state=received")
    assert _count(received) == 2
    assert received.context["totals"]["amount"] == Decimal("1000")
    assert "¥1,000.00" in received.content.decode()


def test_deliverable_list_shows_overdue_ones(client_for, minister):
    record(8)
    overdue = client_for(minister).get(reverse("events:deliverable-list") + "?state=overdue")
    today = timezone.localdate()
    rows = list(overdue.context["page_obj"])
    assert rows and all(d.status == "open" and d.due_on < today for d in rows)


def test_contract_export_writes_what_the_list_shows_with_formulas_as_text(client_for, minister):
    record(2)
    Contract.objects.filter(status=ContractStatus.SUBMITTED).update(number="=1+1")
    response = client_for(minister).get(reverse("events:contract-list") + "?status=submitted&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "合同编号"
    assert [row[0] for row in rows[1:]] == ["'=1+1"]
    assert rows[1][5] == 800


def test_outsiders_get_no_list(client_for, outsider):
    for name in ("events:contract-list", "events:deliverable-list", "events:payment-list"):
        assert client_for(outsider).get(reverse(name)).status_code == 403


def test_a_contract_waits_from_its_last_submission(client_for, minister):
    from events import services
    from events.tests.factories import make_contract
    from outreach.department import figures
    from outreach.tests.department_factories import SemesterFactory

    contract = make_contract(owner=MemberFactory(role=Role.OFFICER))
    services.contract_submit(contract=contract, member=contract.owner)
    first = Contract.history.filter(id=contract.pk, status="submitted").earliest("history_date").history_date
    services.contract_return_to_draft(contract=contract)
    services.contract_submit(contract=contract, member=contract.owner)
    shown = client_for(minister).get(reverse("events:contract-list") + "?status=submitted")
    (listed,) = shown.context["page_obj"]
    assert listed.submitted_at > first
    waiting = figures.fulfilment(SemesterFactory()).waiting
    assert [(row["number"], row["needs_minister"], row["since"]) for row in waiting] == [
        (contract.number, True, listed.submitted_at)
    ]
