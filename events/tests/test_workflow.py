from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from events import services
from events.models import Amendment, ContractStatus, DeliverableStatus, ProposalStatus, Tier
from events.tests.factories import (
    BenefitFactory,
    EventFactory,
    MerchantFactory,
    ProposalFactory,
    make_contract,
    make_signed_contract,
    png_upload,
)
from sponsors.models import BlacklistReason, VettingStatus

pytestmark = pytest.mark.django_db


def blacklist(merchant):
    merchant.vetting_status = VettingStatus.BLACKLISTED
    merchant.blacklist_reason = BlacklistReason.PYRAMID
    merchant.save()


def test_benefit_is_approved_only_when_every_department_agreed(officer):
    event = EventFactory()
    benefit = services.benefit_create(event=event, departments=["宣传部", "体育部"], kind="jersey", quantity=20)
    approvals = list(benefit.approvals.all())
    assert not benefit.is_approved
    services.benefit_record_agreement(approval=approvals[0], recorded_by=officer, agreed_contact="体育部张部长")
    assert not benefit.is_approved
    services.benefit_record_agreement(approval=approvals[1], recorded_by=officer)
    assert benefit.is_approved


def test_benefit_needs_a_department():
    with pytest.raises(ValidationError):
        services.benefit_create(event=EventFactory(), departments=[], kind="banner")


def test_unapproved_benefit_cannot_be_offered_in_a_proposal():
    proposal = ProposalFactory()
    pending = BenefitFactory(event=proposal.event, approved_by=[])
    with pytest.raises(ValidationError, match="尚未得到所有负责部门的同意"):
        services.proposal_package_add(proposal=proposal, tier=Tier.SPONSOR, price=Decimal("1000"), benefits=[pending])


def test_unapproved_benefit_cannot_go_into_a_contract(officer):
    contract = make_contract(owner=officer, clauses=0)
    pending = BenefitFactory(event=contract.event, approved_by=[])
    with pytest.raises(ValidationError, match="尚未得到所有负责部门的同意"):
        services.contract_clause_add(contract=contract, benefit=pending)


def test_another_events_benefit_cannot_be_offered():
    proposal = ProposalFactory()
    other = BenefitFactory()
    with pytest.raises(ValidationError, match="不属于本活动"):
        services.proposal_package_add(proposal=proposal, tier=Tier.SPONSOR, price=Decimal("1"), benefits=[other])


def test_blacklisted_merchant_cannot_get_a_contract(officer):
    merchant = MerchantFactory()
    blacklist(merchant)
    with pytest.raises(ValidationError, match="黑名单"):
        services.contract_create(event=EventFactory(), merchant=merchant, owner=officer)


def test_blacklisted_merchant_cannot_get_a_proposal(officer):
    merchant = MerchantFactory()
    blacklist(merchant)
    with pytest.raises(ValidationError, match="黑名单"):
        services.proposal_create(event=EventFactory(), merchant=merchant, title="x", created_by=officer)


def test_merchant_blacklisted_after_drafting_cannot_be_submitted(officer):
    contract = make_contract(owner=officer)
    blacklist(contract.merchant)
    with pytest.raises(ValidationError, match="黑名单"):
        services.contract_submit(contract=contract, member=officer)


def test_contract_numbers_count_up_per_year(officer):
    year = timezone.localdate().year
    first = make_contract(owner=officer, clauses=0)
    second = make_contract(owner=officer, clauses=0)
    assert first.number == f"WL-{year}-001"
    assert second.number == f"WL-{year}-002"


def test_contract_from_package_copies_price_and_benefits(officer):
    proposal = ProposalFactory()
    banner = BenefitFactory(event=proposal.event)
    jersey = BenefitFactory(event=proposal.event, kind="jersey", quantity=12, approved_by=["体育部"])
    package = services.proposal_package_add(
        proposal=proposal, tier=Tier.NAMING, price=Decimal("3000"), benefits=[banner, jersey]
    )
    contract = services.contract_create_from_package(package=package, merchant=proposal.merchant, owner=officer)
    assert contract.cash_amount == Decimal("3000")
    assert sorted(clause.kind for clause in contract.clauses.all()) == ["banner", "jersey"]
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED


def test_only_the_minister_approves(officer, vice_minister, minister):
    contract = make_contract(owner=officer)
    services.contract_submit(contract=contract, member=officer)
    with pytest.raises(PermissionDenied):
        services.contract_approve(contract=contract, member=vice_minister)
    services.contract_approve(contract=contract, member=minister)
    assert contract.status == ContractStatus.APPROVED


def test_contract_above_threshold_also_needs_the_advisor(officer, minister, advisor, settings):
    settings.CONTRACT_ADVISOR_SIGNOFF_ABOVE = 5000.0
    contract = make_contract(owner=officer, cash=Decimal("8000"))
    services.contract_submit(contract=contract, member=officer)
    services.contract_approve(contract=contract, member=minister)
    assert contract.status == ContractStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.contract_advisor_signoff(contract=contract, member=minister)
    services.contract_advisor_signoff(contract=contract, member=advisor)
    assert contract.status == ContractStatus.APPROVED


def test_contract_at_the_threshold_needs_no_advisor(officer, minister, settings):
    settings.CONTRACT_ADVISOR_SIGNOFF_ABOVE = 5000.0
    contract = make_contract(owner=officer, cash=Decimal("5000"))
    assert not services.needs_advisor_signoff(contract)


def test_unapproved_contract_cannot_be_signed(officer):
    contract = make_contract(owner=officer)
    with pytest.raises(ValidationError, match="审批"):
        services.contract_sign(contract=contract, member=officer, scan=png_upload())


def test_signing_creates_one_deliverable_per_clause(officer, minister):
    contract = make_signed_contract(owner=officer, minister=minister, clauses=3)
    assert contract.status == ContractStatus.IN_FULFILMENT
    deliverables = list(contract.deliverables.all())
    assert len(deliverables) == 3
    assert {d.owner for d in deliverables} == {officer}
    assert all(d.due_on == d.clause.ends_on for d in deliverables)


def test_signed_contract_rejects_edits(officer, minister):
    contract = make_signed_contract(owner=officer, minister=minister)
    benefit = BenefitFactory(event=contract.event)
    with pytest.raises(ValidationError, match="不能再修改"):
        services.contract_update(contract=contract, cash_amount=Decimal("1"))
    with pytest.raises(ValidationError, match="不能再修改"):
        services.contract_clause_add(contract=contract, benefit=benefit)
    with pytest.raises(ValidationError, match="不能再修改"):
        services.contract_in_kind_add(contract=contract, description="矿泉水", value=Decimal("100"))
    contract.refresh_from_db()
    assert contract.cash_amount == Decimal("3000")


def test_change_to_signed_contract_is_a_numbered_amendment(officer, minister):
    contract = make_signed_contract(owner=officer, minister=minister)
    first = services.amendment_create(contract=contract, text="横幅改为三条。", created_by=officer)
    second = services.amendment_create(contract=contract, text="付款日期顺延一周。", created_by=officer)
    assert (first.number, second.number) == (1, 2)
    assert Amendment.objects.filter(contract=contract).count() == 2


def test_draft_contract_takes_no_amendment(officer):
    with pytest.raises(ValidationError):
        services.amendment_create(contract=make_contract(owner=officer), text="x", created_by=officer)


def test_deliverable_needs_photo_evidence(officer, minister):
    contract = make_signed_contract(owner=officer, minister=minister, clauses=1)
    deliverable = contract.deliverables.get()
    with pytest.raises(ValidationError, match="照片"):
        services.deliverable_complete(deliverable=deliverable, member=officer, note="挂好了", images=[])


def test_officer_completes_leader_verifies_and_contract_is_fulfilled(officer, vice_minister, minister):
    contract = make_signed_contract(owner=officer, minister=minister, clauses=2)
    first, second = contract.deliverables.all()
    for deliverable in (first, second):
        services.deliverable_complete(deliverable=deliverable, member=officer, note="已挂", images=[png_upload()])
    with pytest.raises(PermissionDenied):
        services.deliverable_verify(deliverable=first, member=officer)
    services.deliverable_verify(deliverable=first, member=vice_minister)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.IN_FULFILMENT
    services.deliverable_verify(deliverable=second, member=minister)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.FULFILLED
    assert first.evidence.count() == 1


def test_open_deliverable_cannot_be_verified(officer, minister):
    deliverable = make_signed_contract(owner=officer, minister=minister, clauses=1).deliverables.get()
    with pytest.raises(ValidationError):
        services.deliverable_verify(deliverable=deliverable, member=minister)
    assert deliverable.status == DeliverableStatus.OPEN


def test_termination_needs_a_reason(officer):
    contract = make_contract(owner=officer)
    with pytest.raises(ValidationError):
        services.contract_terminate(contract=contract, reason=" ")
    services.contract_terminate(contract=contract, reason="商家临近签约反悔。")
    assert contract.status == ContractStatus.TERMINATED


def test_money_raised_counts_received_cash_and_in_kind_separately(officer, minister):
    from events.queries import money_raised

    contract = make_contract(owner=officer, instalments=[2000, 1000])
    services.contract_in_kind_add(contract=contract, description="矿泉水 20 箱", value=Decimal("600"))
    services.contract_submit(contract=contract, member=officer)
    services.contract_approve(contract=contract, member=minister)
    services.contract_sign(contract=contract, member=officer, scan=png_upload())
    paid = contract.payments.get(amount=Decimal("2000"))
    services.payment_receive(payment=paid)
    draft = make_contract(owner=officer, event=contract.event, instalments=[])
    services.payment_add(contract=draft, amount=Decimal("999"), due_on=timezone.localdate())
    money = money_raised(contract.event)
    assert money.cash_received == Decimal("2000")
    assert money.cash_promised == Decimal("3000")
    assert money.in_kind == Decimal("600")
    assert money.total == Decimal("2600")


def test_rented_material_needs_a_return_date():
    event = EventFactory()
    with pytest.raises(ValidationError):
        services.material_add(event=event, name="音响", source="rented")
    material = services.material_add(
        event=event, name="音响", source="borrowed", supplier="兄弟院校学生会", return_due=timezone.localdate()
    )
    services.material_mark_returned(material=material)
    assert material.returned


def test_contract_history_says_who_changed_what(client_for, officer, minister):
    from events.queries import contract_history

    contract = make_contract(owner=officer, clauses=1)
    services.contract_update(contract=contract, cash_amount=Decimal("3500"))
    services.payment_add(contract=contract, amount=Decimal("500"), due_on=timezone.localdate())
    client_for(officer).post(f"/events/contracts/{contract.pk}/submit/")
    client_for(minister).post(f"/events/contracts/{contract.pk}/approve/")
    history = contract_history(contract)
    assert history[0]["who"] == minister.display_name
    assert "状态" in history[0]["fields"]
    assert "现金赞助(元)" in history[1]["fields"] or "现金赞助(元)" in history[2]["fields"]
    assert history[-1]["fields"] == ["创建"]


def test_submitting_tells_the_minister_and_above_the_threshold_the_advisor(officer, minister, advisor, settings):
    from outreach.models import Notification

    settings.CONTRACT_ADVISOR_SIGNOFF_ABOVE = 5000.0
    small = make_contract(owner=officer, cash=Decimal("1000"))
    services.contract_submit(contract=small, member=officer)
    assert set(Notification.objects.values_list("recipient", flat=True)) == {minister.pk}
    large = make_contract(owner=officer, cash=Decimal("9000"))
    services.contract_submit(contract=large, member=officer)
    assert Notification.objects.filter(recipient=advisor, key=f"contract-submitted:{large.pk}").exists()


def test_submitted_contract_cannot_change_under_the_approvers(officer, minister):
    contract = make_contract(owner=officer, cash=Decimal("3000"))
    services.contract_submit(contract=contract, member=officer)
    services.contract_approve(contract=contract, member=minister)
    with pytest.raises(ValidationError, match="不能再修改"):
        services.contract_update(contract=contract, cash_amount=Decimal("30000"))


def test_returned_contract_can_be_changed_and_must_be_approved_again(officer, minister):
    contract = make_contract(owner=officer)
    services.contract_submit(contract=contract, member=officer)
    services.contract_return_to_draft(contract=contract)
    services.contract_update(contract=contract, cash_amount=Decimal("3500"))
    assert contract.status == ContractStatus.DRAFT and contract.approved_by is None
