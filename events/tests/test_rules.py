"""The business rules of issue 13: what the record may never be made to say."""

import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Contract, ContractStatus, Payment, ProposalStatus, Tier
from events.queries import contract_history, money_raised
from events.tests.factories import (
    BenefitFactory,
    EventFactory,
    MerchantFactory,
    ProposalFactory,
    make_contract,
    make_signed_contract,
    pdf_upload,
)
from outreach.models import Notification
from sponsors.models import BlacklistReason, Stage, StageChange, VettingStatus
from sponsors.services import merchant_set_vetting

pytestmark = pytest.mark.django_db


def blacklist(merchant, by):
    merchant.refresh_from_db()  # signing a contract moved its stage
    merchant_set_vetting(
        merchant=merchant,
        status=VettingStatus.BLACKLISTED,
        by=by,
        note="向学生收取押金",
        blacklist_reason=BlacklistReason.FEE_CHARGING,
    )


def _messages(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


# --- 1. Blacklisting stops business in progress


def test_a_contract_submitted_before_the_blacklist_is_not_approved_signed_or_paid(officer, minister, advisor):
    contract = make_contract(owner=officer, cash=Decimal("9000"))
    services.contract_submit(contract=contract, member=officer)
    blacklist(contract.merchant, minister)
    with pytest.raises(ValidationError, match="黑名单（向学生收费的兼职：向学生收取押金），合同不能审批"):
        services.contract_approve(contract=contract, member=minister)
    with pytest.raises(ValidationError, match="合同不能签批"):
        services.contract_advisor_signoff(contract=contract, member=advisor)
    with pytest.raises(ValidationError, match="不能登记到账"):
        services.payment_receive(payment=contract.payments.get())
    row = Contract.objects.get(pk=contract.pk)
    assert row.status == ContractStatus.SUBMITTED and row.approved_by is None
    assert not Payment.objects.filter(received_on__isnull=False).exists()


def test_an_approved_contract_of_a_blacklisted_merchant_cannot_be_signed(officer, minister):
    contract = make_contract(owner=officer)
    services.contract_submit(contract=contract, member=officer)
    services.contract_approve(contract=contract, member=minister)
    blacklist(contract.merchant, minister)
    with pytest.raises(ValidationError, match="合同不能签署"):
        services.contract_sign(contract=contract, member=officer, scan=pdf_upload())
    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.APPROVED
    assert not contract.deliverables.exists()


def test_an_open_proposal_of_a_blacklisted_merchant_is_blocked_but_may_be_declined(officer, minister):
    proposal = ProposalFactory()
    benefit = BenefitFactory(event=proposal.event)
    blacklist(proposal.merchant, minister)
    with pytest.raises(ValidationError, match="方案书已冻结"):
        services.proposal_package_add(proposal=proposal, tier=Tier.SPONSOR, price=Decimal("1000"), benefits=[benefit])
    with pytest.raises(ValidationError, match="方案书已冻结"):
        services.proposal_set_status(proposal=proposal, status=ProposalStatus.SENT)
    services.proposal_set_status(proposal=proposal, status=ProposalStatus.DECLINED)
    assert proposal.status == ProposalStatus.DECLINED


def test_blacklisting_tells_the_minister_of_each_signed_contract_and_the_minister_decides(officer, minister):
    merchant = MerchantFactory()
    kept = make_signed_contract(owner=officer, minister=minister, merchant=merchant, clauses=1)
    ended = make_signed_contract(owner=officer, minister=minister, merchant=merchant, clauses=1)
    Notification.objects.all().delete()
    blacklist(merchant, minister)
    titles = sorted(Notification.objects.filter(recipient=minister).values_list("title", flat=True))
    assert titles == [
        f"已签署合同的赞助方被列入黑名单：{number} {merchant.name}" for number in sorted([kept.number, ended.number])
    ]
    kept.refresh_from_db()
    assert kept.blacklist_state == "flagged"

    with pytest.raises(PermissionDenied):
        services.contract_keep_despite_blacklist(contract=kept, member=officer, note="x")
    with pytest.raises(ValidationError, match="理由"):
        services.contract_keep_despite_blacklist(contract=kept, member=minister, note=" ")
    services.contract_keep_despite_blacklist(contract=kept, member=minister, note="横幅已挂，款项已到账。")
    services.contract_terminate(contract=ended, reason="赞助方涉嫌向学生收费，终止合作。")
    kept.refresh_from_db()
    assert kept.blacklist_state == "kept" and kept.blacklist_kept_by == minister
    assert Contract.objects.get(pk=ended.pk).status == ContractStatus.TERMINATED
    assert not Notification.objects.filter(recipient=minister, resolved_at__isnull=True).exists()


def test_the_contract_page_flags_a_signed_contract_and_the_minister_keeps_it_with_a_note(client_for, officer, minister):
    contract = make_signed_contract(owner=officer, minister=minister, clauses=1)
    blacklist(contract.merchant, minister)
    page = client_for(officer).get(contract.get_absolute_url()).content.decode()
    assert "已签署合同的赞助方" in page and "请部长决定" in page
    assert reverse("events:contract-keep", args=[contract.pk]) not in page  # the officer does not decide

    client = client_for(minister)
    page = client.get(contract.get_absolute_url()).content.decode()
    assert reverse("events:contract-keep", args=[contract.pk]) in page
    response = client.post(
        reverse("events:contract-keep", args=[contract.pk]),
        {"note": "权益已落实，保留。", "version": contract.version},
        follow=True,
    )
    page = response.content.decode()
    assert "已决定保留合同" in page
    assert "决定保留此合同：权益已落实，保留。" in page


def test_the_merchant_page_says_what_the_blacklist_did_to_its_business(client_for, officer, minister):
    merchant = MerchantFactory()
    draft = make_contract(owner=officer, merchant=merchant)
    signed = make_signed_contract(owner=officer, minister=minister, merchant=merchant, clauses=1)
    proposal = ProposalFactory(merchant=merchant)
    blacklist(merchant, minister)
    page = client_for(officer).get(merchant.get_absolute_url()).content.decode()
    business = page.split('data-testid="blacklist-business"')[1].split("</div>")[0]
    assert f"赞助合同 {draft.number}</a>：草稿，已冻结" in business
    assert f"赞助合同 {signed.number}</a>：已签署，待部长决定终止或保留" in business
    assert f"赞助方案书：{proposal.title}</a>：草稿，已冻结" in business


def test_approving_a_blocked_contract_on_its_page_says_why(client_for, officer, minister):
    contract = make_contract(owner=officer)
    services.contract_submit(contract=contract, member=officer)
    blacklist(contract.merchant, minister)
    client = client_for(minister)
    assert "此合同尚未签署，已冻结" in client.get(contract.get_absolute_url()).content.decode()
    response = client.post(reverse("events:contract-approve", args=[contract.pk]), follow=True)
    assert "合同不能审批" in _messages(response)
    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.SUBMITTED


# --- 2. Vetting before a contract


def test_a_contract_for_an_unvetted_merchant_cannot_be_submitted(officer):
    merchant = MerchantFactory(vetting_status=VettingStatus.UNVERIFIED)
    proposal = services.proposal_create(event=EventFactory(), title="方案书", merchant=merchant, created_by=officer)
    assert proposal.pk  # a proposal may be prepared
    contract = make_contract(owner=officer, merchant=merchant)
    with pytest.raises(ValidationError, match="尚未通过资质核查"):
        services.contract_submit(contract=contract, member=officer)
    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.DRAFT
    merchant_set_vetting(merchant=merchant, status=VettingStatus.VERIFIED, by=officer)
    services.contract_submit(contract=contract, member=officer)
    assert contract.status == ContractStatus.SUBMITTED


def test_the_proposal_page_warns_of_an_unvetted_merchant_and_the_pdf_does_not(client_for, officer, poppler, tmp_path):
    proposal = ProposalFactory(merchant=MerchantFactory(vetting_status=VettingStatus.UNVERIFIED))
    client = client_for(officer)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'data-testid="proposal-unvetted"' in page and "未核查" in page
    pdf = tmp_path / "proposal.pdf"
    pdf.write_bytes(client.get(reverse("events:proposal-pdf", args=[proposal.pk])).content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert proposal.merchant.name in text and "未核查" not in text

    vetted = ProposalFactory()
    assert "未核查" not in client.get(vetted.get_absolute_url()).content.decode()


def test_submitting_on_the_page_for_an_unvetted_merchant_says_why(client_for, officer):
    contract = make_contract(owner=officer, merchant=MerchantFactory(vetting_status=VettingStatus.UNVERIFIED))
    client = client_for(officer)
    assert 'data-testid="contract-unvetted"' in client.get(contract.get_absolute_url()).content.decode()
    response = client.post(reverse("events:contract-submit", args=[contract.pk]), follow=True)
    assert "尚未通过资质核查" in _messages(response)
    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.DRAFT


# --- 3. Money adds up


def test_instalments_cannot_total_more_than_the_cash_amount(officer):
    contract = make_contract(owner=officer, cash=Decimal("3000"), instalments=[2000])
    with pytest.raises(ValidationError, match="超过现金赞助 ¥3,000.00（多出 ¥500.00）"):
        services.payment_add(contract=contract, amount=Decimal("1500"), due_on=timezone.localdate())
    services.payment_add(contract=contract, amount=Decimal("1000"), due_on=timezone.localdate())
    assert services.payments_total(contract) == Decimal("3000")
    with pytest.raises(ValidationError, match="不能少于此数"):
        services.contract_update(contract=contract, cash_amount=Decimal("2500"))


def test_a_contract_whose_instalments_do_not_add_up_cannot_be_submitted(officer):
    contract = make_contract(owner=officer, cash=Decimal("3000"), instalments=[1000, 1500])
    with pytest.raises(ValidationError, match="还差 ¥500.00"):
        services.contract_submit(contract=contract, member=officer)
    services.payment_add(contract=contract, amount=Decimal("500"), due_on=timezone.localdate())
    services.contract_submit(contract=contract, member=officer)
    assert contract.status == ContractStatus.SUBMITTED


def test_the_contract_page_says_how_far_the_instalments_are_from_the_cash(client_for, officer):
    contract = make_contract(owner=officer, cash=Decimal("3000"), instalments=[1000])
    client = client_for(officer)
    page = client.get(contract.get_absolute_url()).content.decode()
    assert "相差 ¥2,000.00" in page
    response = client.post(
        reverse("events:payment-create", args=[contract.pk]), {"amount": "2500", "due_on": "2026-12-30"}
    )
    assert response.status_code == 200 and "多出 ¥500.00" in response.content.decode()
    assert contract.payments.count() == 1


def test_a_received_payment_records_the_amount_that_arrived(client_for, officer, minister):
    contract = make_signed_contract(owner=officer, minister=minister, clauses=1, instalments=[2000, 1000])
    first, second = contract.payments.order_by("amount")
    client = client_for(officer)
    response = client.post(
        reverse("events:payment-receive", args=[second.pk]),
        {"received_amount": "1800", "received_on": "2026-11-20"},
        follow=True,
    )
    page = response.content.decode()
    assert "实收 ¥1,800.00" in page and "少收 ¥200.00" in page
    second.refresh_from_db()
    assert (second.received_amount, second.received_on.isoformat()) == (Decimal("1800"), "2026-11-20")
    assert money_raised(contract.event).cash_received == Decimal("1800")

    response = client.post(reverse("events:payment-receive", args=[second.pk]), {"received_amount": "1800"})
    assert response.status_code == 302  # recorded once: the second tap is refused
    with pytest.raises(ValidationError, match="已登记到账"):
        services.payment_receive(payment=second)
    response = client.post(
        reverse("events:payment-receive", args=[first.pk]), {"received_amount": "1200.5"}, follow=True
    )
    assert "实收金额不能超过" in _messages(response)
    response = client.post(reverse("events:payment-receive", args=[first.pk]), {"received_amount": "abc"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.received_on is None and first.received_amount is None


# --- 4. The pipeline tells the truth


def test_signing_moves_the_merchant_to_signed_with_the_history(officer, minister):
    merchant = MerchantFactory(stage=Stage.NEGOTIATING)
    contract = make_signed_contract(owner=officer, minister=minister, merchant=merchant, clauses=1)
    merchant.refresh_from_db()
    assert merchant.stage == Stage.SIGNED
    change = StageChange.objects.get(merchant=merchant)
    assert (change.from_stage, change.to_stage, change.changed_by) == (Stage.NEGOTIATING, Stage.SIGNED, officer)
    assert change.reason == f"合同签订 {contract.number}"


def test_signing_leaves_a_long_term_partner_where_it_is(officer, minister):
    merchant = MerchantFactory(stage=Stage.PARTNER)
    make_signed_contract(owner=officer, minister=minister, merchant=merchant, clauses=1)
    merchant.refresh_from_db()
    assert merchant.stage == Stage.PARTNER and not StageChange.objects.exists()


# --- 5. Approvals recorded and told


def test_the_approval_and_the_sign_off_appear_in_the_history_with_who(officer, minister, advisor, settings):
    settings.CONTRACT_ADVISOR_SIGNOFF_ABOVE = 5000.0
    contract = make_contract(owner=officer, cash=Decimal("8000"))
    services.contract_submit(contract=contract, member=officer)
    services.contract_approve(contract=contract, member=minister)
    history = contract_history(contract)
    assert history[0]["who"] == minister.display_name and "部长审批" in history[0]["fields"]
    services.contract_advisor_signoff(contract=contract, member=advisor)
    history = contract_history(contract)
    assert history[0]["who"] == advisor.display_name
    assert "指导老师签批" in history[0]["fields"] and "状态" in history[0]["fields"]


def test_the_contract_page_shows_the_approval_and_the_drafter_is_told(client_for, officer, minister):
    contract = make_contract(owner=officer)
    client_for(officer).post(reverse("events:contract-submit", args=[contract.pk]))
    client = client_for(minister)
    client.post(reverse("events:contract-approve", args=[contract.pk]), {"version": contract.version + 1})
    page = client.get(contract.get_absolute_url()).content.decode()
    history = page.split('id="history"')[1]
    assert f"{minister.display_name} · 已审批 · 部长审批、状态" in history
    told = Notification.objects.get(recipient=officer, resolved_at__isnull=True)
    assert told.title == f"合同已审批，可以签署：{contract.number}"
    assert told.url == contract.get_absolute_url()
