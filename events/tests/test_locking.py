"""Two people on one contract: a stale page never writes over what the other did."""

from decimal import Decimal
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from events import services
from events.models import Contract, ContractStatus
from events.tests.factories import make_contract, pdf_upload
from outreach.locking import StaleObjectError
from outreach.tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db

STALE = "此记录已被他人修改，请刷新后重试"


def test_a_stale_edit_never_writes_draft_over_a_submitted_contract(officer):
    contract = make_contract(owner=officer)
    stale = Contract.objects.get(pk=contract.pk)
    services.contract_submit(contract=contract, member=officer)
    with pytest.raises(StaleObjectError):
        services.contract_update(contract=stale, payment_terms="签约后一次付清")
    row = Contract.objects.get(pk=contract.pk)
    assert (row.status, row.payment_terms) == (ContractStatus.SUBMITTED, "")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_concurrent_stale_edit_never_puts_a_submitted_contract_back_to_draft(postgres, officer):
    for attempt in range(10):
        contract = make_contract(owner=officer)
        edited, submitted = (Contract.objects.get(pk=contract.pk) for _ in range(2))
        outcome = run_at_once(
            edit=partial(services.contract_update, contract=edited, payment_terms=f"分两期付款({attempt})"),
            submit=partial(services.contract_submit, contract=submitted, member=officer),
        )
        row = Contract.objects.get(pk=contract.pk)
        if outcome["submit"] == "saved":
            assert row.status == ContractStatus.SUBMITTED, f"try {attempt}: a stale edit wrote draft back"
        if outcome["edit"] == "saved":
            assert row.payment_terms == f"分两期付款({attempt})"
        latest = row.history.order_by("-history_date", "-history_id").first()
        assert (latest.status, latest.payment_terms, latest.version) == (row.status, row.payment_terms, row.version)


def _contract_data(contract, **changes):
    data = {
        "merchant": contract.merchant_id,
        "cash_amount": str(contract.cash_amount),
        "payment_terms": contract.payment_terms,
        "breach_terms": contract.breach_terms,
        "union_signatory": contract.union_signatory,
        "merchant_signatory": contract.merchant_signatory,
        "version": contract.version,
    }
    data.update(changes)
    return data


def test_stale_contract_form_shows_the_message_and_what_changed(client_for, officer, vice_minister):
    contract = make_contract(owner=officer, cash=Decimal("3000"))
    client = client_for(officer)
    shown = client.get(reverse("events:contract-edit", args=[contract.pk]))
    assert f'name="version" value="{contract.version}"' in shown.content.decode()
    services.contract_update(contract=Contract.objects.get(pk=contract.pk), cash_amount=Decimal("5000"))

    response = client.post(
        reverse("events:contract-edit", args=[contract.pk]),
        _contract_data(contract, payment_terms="签约后一次付清", union_signatory="林晓峰"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert STALE in page
    changes = response.context["stale_changes"]
    assert [(c.label, c.loaded, c.typed, c.current) for c in changes] == [
        ("现金赞助(元)", "3000.00", "3000.00", "5000.00")
    ]
    assert "签约后一次付清" in page and 'value="林晓峰"' in page  # the input is kept
    row = Contract.objects.get(pk=contract.pk)
    assert (row.cash_amount, row.payment_terms) == (Decimal("5000"), "")


def test_terminating_from_a_stale_copy_keeps_the_signed_scan(officer, minister):
    contract = make_contract(owner=officer)
    services.contract_submit(contract=contract, member=officer)
    services.contract_approve(contract=contract, member=minister)
    stale = Contract.objects.get(pk=contract.pk)
    services.contract_sign(contract=contract, member=officer, scan=pdf_upload())
    services.contract_terminate(contract=stale, reason="商家门店关闭，双方协商终止")
    row = Contract.objects.get(pk=contract.pk)
    assert row.status == ContractStatus.TERMINATED
    assert row.signed_scan and row.signed_by == officer
    assert row.deliverables.count() == 2


def test_a_contract_submitted_again_after_the_page_was_shown_is_not_approved_from_it(client_for, officer, minister):
    contract = make_contract(owner=officer)
    services.contract_submit(contract=contract, member=officer)
    client = client_for(minister)
    page = client.get(contract.get_absolute_url()).content.decode()
    assert f'name="version" value="{contract.version}"' in page
    shown_version = contract.version
    # Meanwhile it goes back to its drafter, changes and comes back.
    services.contract_return_to_draft(contract=contract)
    services.contract_update(contract=contract, cash_amount=Decimal("3300"))
    services.payment_add(contract=contract, amount=Decimal("300"), due_on=contract.event.starts_on)
    services.contract_submit(contract=contract, member=officer)

    response = client.post(
        reverse("events:contract-approve", args=[contract.pk]), {"version": shown_version}, follow=True
    )
    assert STALE in response.content.decode()
    row = Contract.objects.get(pk=contract.pk)
    assert (row.status, row.approved_by) == (ContractStatus.SUBMITTED, None)
    # From the fresh page it goes through.
    client.post(reverse("events:contract-approve", args=[contract.pk]), {"version": row.version})
    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.APPROVED


def test_returning_a_contract_that_was_already_approved_is_refused(officer, minister):
    contract = make_contract(owner=officer)
    services.contract_submit(contract=contract, member=officer)
    stale = Contract.objects.get(pk=contract.pk)
    services.contract_approve(contract=contract, member=minister)
    with pytest.raises(ValidationError):
        services.contract_return_to_draft(contract=stale)
    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.APPROVED
