"""Every write of the events app: events, benefits, proposals, contracts, fulfilment, money, materials."""

from contextlib import suppress
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from outreach import roles
from outreach.locking import StaleObjectError, save_changed
from outreach.messages import Lines, Message
from outreach.models import Member, ReminderKind
from outreach.money import format_cny
from outreach.reminders import Reminders, in_department_language, overdue_round, rule_for
from outreach.services import notifications_resolve, notify
from outreach.uploads import thumbnail_of
from sponsors.models import Merchant, Stage, VettingStatus
from sponsors.services import merchant_change_stage

from .models import (
    OPEN_PROPOSAL_STATUSES,
    UNSIGNED_STATUSES,
    Acceptance,
    AcceptanceAction,
    AcceptanceRecord,
    Amendment,
    Benefit,
    BenefitApproval,
    Clause,
    Contract,
    ContractCounter,
    ContractInKind,
    ContractStatus,
    Deliverable,
    DeliverableStatus,
    Event,
    Evidence,
    Material,
    MerchantLink,
    Payment,
    Proposal,
    ProposalPackage,
    ProposalStatus,
)

LINK_SALT = "events.merchant-link"


def _save(obj):
    obj.full_clean()
    obj.save()
    return obj


def _blacklisted(merchant_id: int | None) -> Merchant | None:
    """The merchant as it is now in the database, if it is blacklisted (a page or a contract
    loaded a minute ago may still hold it as it was)."""
    if merchant_id is None:
        return None
    return Merchant.objects.filter(pk=merchant_id, vetting_status=VettingStatus.BLACKLISTED).first()


def blacklist_reason(merchant: Merchant) -> str:
    """Why it was blacklisted, in words: "传销：收取学生押金"."""
    return "：".join(filter(None, [str(merchant.get_blacklist_reason_display()), merchant.vetting_note]))


def _refuse_if_blacklisted(merchant_id: int | None, refused: str) -> None:
    """Business in progress stops at the blacklist: `refused` says what cannot happen."""
    merchant = _blacklisted(merchant_id)
    if merchant is not None:
        raise ValidationError(
            _("商家“%(name)s”已被列入黑名单（%(reason)s），%(refused)s。")
            % {"name": merchant.name, "reason": blacklist_reason(merchant), "refused": refused}
        )


def _check_merchant(merchant: Merchant | None) -> None:
    _refuse_if_blacklisted(merchant.pk if merchant else None, _("不能向其发送方案书或签订合同"))


def _check_proposal_open(proposal: Proposal) -> None:
    if proposal.status in OPEN_PROPOSAL_STATUSES:
        _refuse_if_blacklisted(proposal.merchant_id, _("方案书已冻结，不能再添加级别、发送或接受"))


def _check_contract_not_blocked(contract: Contract, refused: str) -> None:
    if contract.status in UNSIGNED_STATUSES:
        _refuse_if_blacklisted(contract.merchant_id, refused)


def _check_vetted(contract: Contract) -> None:
    """A contract goes to the approvers only for a merchant someone has vetted (资质核查)."""
    status = Merchant.objects.filter(pk=contract.merchant_id).values_list("vetting_status", flat=True).first()
    if status != VettingStatus.VERIFIED:
        raise ValidationError(
            _("商家“%(name)s”尚未通过资质核查（未核查），合同不能提交审批：请副部长或部长先在商家页完成核查。")
            % {"name": contract.merchant.name}
        )


def payments_total(contract: Contract) -> Decimal:
    return contract.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def _check_instalments_add_up(contract: Contract) -> None:
    """Submitted means the payment plan is the contract's cash amount, to the fen."""
    total = payments_total(contract)
    if total == contract.cash_amount:
        return
    amounts = {"total": format_cny(total), "cash": format_cny(contract.cash_amount)}
    if total < contract.cash_amount:
        message = _("付款计划合计 %(total)s，现金赞助 %(cash)s：还差 %(diff)s，请补足付款计划后再提交。")
        amounts["diff"] = format_cny(contract.cash_amount - total)
    else:
        message = _("付款计划合计 %(total)s，现金赞助 %(cash)s：多出 %(diff)s，请调整付款计划后再提交。")
        amounts["diff"] = format_cny(total - contract.cash_amount)
    raise ValidationError(message % amounts)


def _check_benefits_approved(benefits, event: Event) -> None:
    benefits = list(benefits)
    approved = set(Benefit.objects.approved().filter(pk__in=[b.pk for b in benefits]).values_list("pk", flat=True))
    for benefit in benefits:
        if benefit.event_id != event.pk:
            raise ValidationError(_("权益“%(benefit)s”不属于本活动。") % {"benefit": benefit.text})
        if benefit.pk not in approved:
            raise ValidationError(
                _("权益“%(benefit)s”尚未得到所有负责部门的同意，不能写入方案书或合同。") % {"benefit": benefit.text}
            )


def _check_editable(contract: Contract) -> None:
    if contract.is_frozen:
        raise ValidationError(
            _("合同已提交审批或已签署，不能再修改：审批中的合同请部长退回草稿后修改，已签署的合同请添加补充协议。")
        )


# --- Events


@transaction.atomic
def event_create(*, owner: Member | None, industries=(), co_organisers=(), **fields) -> Event:
    event = _save(Event(owner=owner, **fields))
    event.industries.set(industries)
    event.co_organisers.set(co_organisers)
    return event


@transaction.atomic
def event_update(*, event: Event, industries=None, co_organisers=None, **fields) -> Event:
    for name, value in fields.items():
        setattr(event, name, value)
    _save(event)
    if industries is not None:
        event.industries.set(industries)
    if co_organisers is not None:
        event.co_organisers.set(co_organisers)
    return event


# --- Benefits and their internal approval (内部商榷)


@transaction.atomic
def benefit_create(*, event: Event, departments: list[str], **fields) -> Benefit:
    if not departments:
        raise ValidationError(_("请填写负责落实此权益的部门。"))
    benefit = _save(Benefit(event=event, **fields))
    for department in dict.fromkeys(departments):
        _save(BenefitApproval(benefit=benefit, department=department))
    return benefit


def benefit_record_agreement(
    *, approval: BenefitApproval, recorded_by: Member, agreed_contact: str = "", note: str = ""
) -> BenefitApproval:
    approval.agreed_at = timezone.now()
    approval.agreed_contact = agreed_contact
    approval.note = note
    approval.recorded_by = recorded_by
    return _save(approval)


# --- Proposals


def proposal_create(
    *,
    event: Event,
    title: str,
    created_by: Member,
    merchant: Merchant | None = None,
    contact: Member | None = None,
    introduction: str = "",
) -> Proposal:
    _check_merchant(merchant)
    return _save(
        Proposal(
            event=event,
            title=title,
            merchant=merchant,
            contact=contact or created_by,
            introduction=introduction,
            created_by=created_by,
        )
    )


@transaction.atomic
def proposal_package_add(
    *,
    proposal: Proposal,
    tier: str,
    benefits,
    name: str = "",
    price: Decimal | None = None,
    in_kind: str = "",
) -> ProposalPackage:
    _check_proposal_open(proposal)
    _check_benefits_approved(benefits, proposal.event)
    if price is None and not in_kind:
        raise ValidationError(_("请填写价格或实物内容。"))
    package = _save(ProposalPackage(proposal=proposal, tier=tier, name=name, price=price, in_kind=in_kind))
    package.benefits.set(benefits)
    return package


def proposal_set_status(*, proposal: Proposal, status: str) -> Proposal:
    if status not in ProposalStatus.values:
        raise ValidationError(_("请选择有效的方案书状态。"))
    if status in (ProposalStatus.SENT, ProposalStatus.ACCEPTED):
        _check_proposal_open(proposal)  # declining it (or back to draft) stays possible
    proposal.status = status
    return _save(proposal)


# --- Contracts


# What a draft says of the sponsor's side, besides the money (set at creation or by editing).
CONTRACT_TERMS = ("sponsor_contact", "sponsor_phone", "sponsor_materials", "sponsor_materials_due", "acceptance_days")


def _next_contract_number(year: int) -> str:
    """WL-<year>-<seq>: the year's counter row is locked until the transaction ends, so two
    contracts created at once wait for each other and never share (or reuse) a number."""
    try:
        with transaction.atomic():
            ContractCounter.objects.get_or_create(year=year)
    except IntegrityError:
        pass  # created by a concurrent transaction a moment ago
    counter = ContractCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"WL-{year}-{counter.last:03d}"


@transaction.atomic
def contract_create(
    *,
    event: Event,
    merchant: Merchant,
    owner: Member,
    proposal: Proposal | None = None,
    cash_amount: Decimal = Decimal("0"),
    payment_terms: str = "",
    union_signatory: str = "",
    merchant_signatory: str = "",
    breach_terms: str | None = None,
    **terms,
) -> Contract:
    """`terms`: the sponsor's side (CONTRACT_TERMS: contact, materials, acceptance period)."""
    _check_merchant(merchant)
    unknown = set(terms) - set(CONTRACT_TERMS)
    if unknown:
        raise TypeError(f"contract_create() got unexpected terms {sorted(unknown)}")
    contract = Contract(
        number=_next_contract_number(timezone.localdate().year),
        event=event,
        merchant=merchant,
        owner=owner,
        proposal=proposal,
        cash_amount=cash_amount,
        payment_terms=payment_terms,
        union_signatory=union_signatory,
        merchant_signatory=merchant_signatory,
        **terms,
    )
    if breach_terms:
        contract.breach_terms = breach_terms
    return _save(contract)


@transaction.atomic
def contract_create_from_package(*, package: ProposalPackage, merchant: Merchant, owner: Member) -> Contract:
    """The accepted package becomes a draft contract: its price, its in-kind items, its benefits as clauses."""
    proposal = package.proposal
    contract = contract_create(
        event=proposal.event,
        merchant=merchant,
        owner=owner,
        proposal=proposal,
        cash_amount=package.price or Decimal("0"),
    )
    if package.in_kind:
        contract_in_kind_add(contract=contract, description=package.in_kind, value=Decimal("0"))
    for benefit in package.benefits.all():
        contract_clause_add(contract=contract, benefit=benefit)
    if proposal.status != ProposalStatus.ACCEPTED:
        proposal_set_status(proposal=proposal, status=ProposalStatus.ACCEPTED)
    return contract


def _save_contract(contract: Contract, *, fields, from_status, expected_version: int | None = None) -> Contract:
    """Save these fields if the contract is still in `from_status` (and at `expected_version`,
    when given): a stale page never writes `draft` back over a submitted contract."""
    contract.full_clean()
    statuses = [from_status] if isinstance(from_status, str) else list(from_status)
    save_changed(contract, fields=fields, expected_version=expected_version, where=Q(status__in=statuses))
    return contract


def contract_update(*, contract: Contract, expected_version: int | None = None, **fields) -> Contract:
    """Change a draft; refused when it is no longer at `expected_version` (the version the
    form was shown with, by default the one `contract` was loaded at) or no longer a draft."""
    _check_editable(contract)
    if "merchant" in fields:
        _check_merchant(fields["merchant"])
    planned = payments_total(contract)
    if "cash_amount" in fields and fields["cash_amount"] is not None and fields["cash_amount"] < planned:
        raise ValidationError(
            {
                "cash_amount": _("已有付款计划合计 %(total)s，现金赞助不能少于此数（先删减付款计划）。")
                % {"total": format_cny(planned)}
            }
        )
    for name, value in fields.items():
        setattr(contract, name, value)
    return _save_contract(
        contract,
        fields=fields,
        from_status=ContractStatus.DRAFT,
        expected_version=contract.version if expected_version is None else expected_version,
    )


def contract_clause_add(*, contract: Contract, benefit: Benefit, **overrides) -> Clause:
    _check_editable(contract)
    _check_benefits_approved([benefit], contract.event)
    values = {
        "kind": benefit.kind,
        "quantity": benefit.quantity,
        "size": benefit.size,
        "placement": benefit.placement,
        "starts_on": benefit.starts_on,
        "ends_on": benefit.ends_on,
        "specifics": benefit.specifics,
    }
    values.update({key: value for key, value in overrides.items() if value not in (None, "")})
    return _save(Clause(contract=contract, benefit=benefit, **values))


def contract_clause_remove(*, clause: Clause) -> None:
    _check_editable(clause.contract)
    clause.delete()


def contract_in_kind_add(*, contract: Contract, description: str, value: Decimal, quantity: str = "") -> ContractInKind:
    _check_editable(contract)
    return _save(ContractInKind(contract=contract, description=description, quantity=quantity, value=value))


def needs_advisor_signoff(contract: Contract) -> bool:
    total = contract.cash_amount + sum((item.value for item in contract.in_kind_items.all()), Decimal("0"))
    return total > Decimal(str(settings.CONTRACT_ADVISOR_SIGNOFF_ABOVE))


def _ministers() -> list[Member]:
    return list(Member.objects.active().with_role(roles.Role.MINISTER).select_related("user"))


# Atomic: the submission and its approvers' notifications land together or not at all (their
# e-mails are queued after commit, and the sweep sends them if the broker is down).
@transaction.atomic
def contract_submit(*, contract: Contract, member: Member, expected_version: int | None = None) -> Contract:
    if contract.status != ContractStatus.DRAFT:
        raise ValidationError(_("只有草稿状态的合同可以提交审批。"))
    if not contract.clauses.exists():
        raise ValidationError(_("合同至少需要一项权益条款。"))
    _check_contract_not_blocked(contract, _("合同不能提交审批"))
    _check_vetted(contract)
    _check_instalments_add_up(contract)
    contract.status = ContractStatus.SUBMITTED
    _save_contract(contract, fields=["status"], from_status=ContractStatus.DRAFT, expected_version=expected_version)
    approvers = _ministers()
    if needs_advisor_signoff(contract):
        approvers += list(Member.objects.active().with_role(roles.Role.ADVISOR).select_related("user"))
    advisors = {member.pk for member in approvers if roles.has_role(member.user, roles.Role.ADVISOR)}
    _tell_approvers(contract, approvers, advisors)
    return contract


@in_department_language
def _tell_approvers(contract: Contract, approvers: list[Member], advisors: set[int]) -> None:
    for approver in approvers:
        notify(
            recipient=approver,
            key=f"contract-submitted:{contract.pk}",
            title=Message(
                gettext_noop("合同待审批：%(number)s %(merchant)s"),
                {"number": contract.number, "merchant": contract.merchant},
            ),
            body=_contract_summary(contract),
            url=contract.get_absolute_url(),
            topic=contract_topic(contract, "signoff" if approver.pk in advisors else "approval"),
        )


def contract_topic(contract: Contract, step: str) -> str:
    """What an approver's notifications are about: "approval" (the minister's) or "signoff"."""
    return f"contract:{contract.pk}:{step}"


def _contract_summary(contract: Contract) -> Message:
    return Message(
        gettext_noop("合同 %(number)s，赞助方 %(merchant)s，活动 %(event)s，现金 %(amount)s 元，起草人 %(owner)s。"),
        {
            "number": contract.number,
            "merchant": contract.merchant,
            "event": contract.event,
            "amount": contract.cash_amount,
            "owner": contract.owner or "—",
        },
    )


@in_department_language
def _tell_drafter_if_approved(contract: Contract) -> None:
    """Whichever approval completes the contract (the minister's or the advisor's), the drafter hears."""
    if contract.owner_id and contract.status == ContractStatus.APPROVED:
        notify(
            recipient=contract.owner,
            key=f"contract-approved:{contract.pk}",
            title=Message(gettext_noop("合同已审批，可以签署：%(number)s"), {"number": contract.number}),
            body=Lines(
                _contract_summary(contract),
                Message(gettext_noop("请打印合同，双方签字后上传签署扫描件。")),
                separator="",
            ),
            url=contract.get_absolute_url(),
            topic=f"contract:{contract.pk}:sign",
        )


def _approve_if_complete(contract: Contract) -> None:
    if contract.approved_by_id and (contract.advisor_signed_off_by_id or not needs_advisor_signoff(contract)):
        contract.status = ContractStatus.APPROVED


def _lock(contract: Contract) -> None:
    """Read the contract again, locked until the transaction ends: the minister and the
    advisor approving at the same moment each see the other's approval before deciding
    whether the contract is now approved."""
    contract.refresh_from_db(from_queryset=Contract.objects.select_for_update())


APPROVAL_FIELDS = ["status", "approved_by", "approved_at", "advisor_signed_off_by", "advisor_signed_off_at"]


@transaction.atomic
def contract_approve(*, contract: Contract, member: Member, expected_version: int | None = None) -> Contract:
    """The minister approves what they saw: `expected_version` (the page's) refuses an
    approval of a contract that was sent back, changed and submitted again meanwhile."""
    if not roles.is_minister(member.user):
        raise PermissionDenied(_("只有部长可以审批合同。"))
    _lock(contract)
    if contract.status != ContractStatus.SUBMITTED:
        raise ValidationError(_("只有待审批的合同可以审批。"))
    _check_contract_not_blocked(contract, _("合同不能审批"))
    contract.approved_by = member
    contract.approved_at = timezone.now()
    contract._history_user = member.user
    _approve_if_complete(contract)
    _save_contract(
        contract, fields=APPROVAL_FIELDS, from_status=ContractStatus.SUBMITTED, expected_version=expected_version
    )
    notifications_resolve(topic=contract_topic(contract, "approval"))
    _tell_drafter_if_approved(contract)
    return contract


@transaction.atomic
def contract_advisor_signoff(*, contract: Contract, member: Member, expected_version: int | None = None) -> Contract:
    if not roles.has_role(member.user, roles.Role.ADVISOR):
        raise PermissionDenied(_("只有指导老师可以签批合同。"))
    _lock(contract)
    if contract.status != ContractStatus.SUBMITTED:
        raise ValidationError(_("只有待审批的合同需要签批。"))
    _check_contract_not_blocked(contract, _("合同不能签批"))
    contract.advisor_signed_off_by = member
    contract.advisor_signed_off_at = timezone.now()
    contract._history_user = member.user
    _approve_if_complete(contract)
    _save_contract(
        contract, fields=APPROVAL_FIELDS, from_status=ContractStatus.SUBMITTED, expected_version=expected_version
    )
    notifications_resolve(topic=contract_topic(contract, "signoff"))
    _tell_drafter_if_approved(contract)
    return contract


@transaction.atomic
def contract_return_to_draft(*, contract: Contract, expected_version: int | None = None) -> Contract:
    """A submitted contract that needs changes goes back to its drafter; approvals start over."""
    if contract.status != ContractStatus.SUBMITTED:
        raise ValidationError(_("只有待审批的合同可以退回修改。"))
    contract.status = ContractStatus.DRAFT
    contract.approved_by = contract.advisor_signed_off_by = None
    contract.approved_at = contract.advisor_signed_off_at = None
    _save_contract(
        contract, fields=APPROVAL_FIELDS, from_status=ContractStatus.SUBMITTED, expected_version=expected_version
    )
    for step in ("approval", "signoff"):
        notifications_resolve(topic=contract_topic(contract, step))
    return contract


@transaction.atomic
def contract_sign(*, contract: Contract, member: Member, scan, signed_on: date | None = None) -> Contract:
    """Store the signed scan; every clause becomes a deliverable for the contract's owner, and
    the merchant moves to 已签约 (unless it already is, or is a long-term partner)."""
    if contract.status != ContractStatus.APPROVED:
        raise ValidationError(_("合同须经审批后才能上传签署件。"))
    _check_contract_not_blocked(contract, _("合同不能签署"))
    contract.signed_scan = scan
    contract.signed_on = signed_on or timezone.localdate()
    contract.signed_by = member
    owner = contract.owner or member
    clauses = list(contract.clauses.all())
    fallback_due = contract.event.ends_on or contract.event.starts_on
    for clause in clauses:
        _save(
            Deliverable(
                clause=clause,
                contract=contract,
                owner=owner,
                due_on=clause.ends_on or clause.starts_on or fallback_due,
            )
        )
    contract.status = ContractStatus.IN_FULFILMENT if clauses else ContractStatus.SIGNED
    contract._history_user = member.user
    _save_contract(
        contract, fields=["status", "signed_scan", "signed_on", "signed_by"], from_status=ContractStatus.APPROVED
    )
    notifications_resolve(topic=f"contract:{contract.pk}:sign")
    merchant = Merchant.objects.get(pk=contract.merchant_id)
    if merchant.stage not in (Stage.SIGNED, Stage.PARTNER):
        merchant_change_stage(
            merchant=merchant,
            to_stage=Stage.SIGNED,
            by=member,
            reason=_("合同签订 %(number)s") % {"number": contract.number},
        )
    return contract


def contract_terminate(*, contract: Contract, reason: str) -> Contract:
    if contract.status in (ContractStatus.FULFILLED, ContractStatus.TERMINATED):
        raise ValidationError(_("该合同已结束，不能终止。"))
    if not reason.strip():
        raise ValidationError(_("请填写终止原因。"))
    still_open = [status for status in ContractStatus.values if status not in ("fulfilled", "terminated")]
    contract.status = ContractStatus.TERMINATED
    contract.termination_reason = reason
    _save_contract(contract, fields=["status", "termination_reason"], from_status=still_open)
    for step in ("approval", "signoff", "sign", "blacklist"):
        notifications_resolve(topic=contract_topic(contract, step))
    return contract


@transaction.atomic
def contract_keep_despite_blacklist(
    *, contract: Contract, member: Member, note: str, expected_version: int | None = None
) -> Contract:
    """The minister's other answer to a signed contract whose merchant was blacklisted: it
    stays (the banners are up, the money is in), and the note says why."""
    if not roles.is_minister(member.user):
        raise PermissionDenied(_("只有部长可以决定保留合同。"))
    if contract.blacklist_state != "flagged":
        raise ValidationError(_("只有赞助方被列入黑名单、尚待决定的已签署合同需要部长决定。"))
    if not note.strip():
        raise ValidationError({"note": _("请写明保留合同的理由。")})
    contract.blacklist_note = note.strip()
    contract.blacklist_kept_by = member
    contract.blacklist_kept_at = timezone.now()
    contract._history_user = member.user
    _save_contract(
        contract,
        fields=["blacklist_note", "blacklist_kept_by", "blacklist_kept_at"],
        from_status=[ContractStatus.SIGNED, ContractStatus.IN_FULFILMENT],
        expected_version=expected_version,
    )
    notifications_resolve(topic=contract_topic(contract, "blacklist"))
    return contract


# --- What blacklisting a merchant does to its contracts (registered in apps.py)


@in_department_language
def contracts_on_blacklist(merchant: Merchant, by: Member) -> None:
    """Unsigned contracts are blocked (their approvers' and drafters' reminders go: nothing
    can be done but terminating); each signed one goes to the ministers to decide."""
    contracts = list(Contract.objects.filter(merchant=merchant).exclude(status__in=["fulfilled", "terminated"]))
    for contract in contracts:
        if contract.status in UNSIGNED_STATUSES:
            for step in ("approval", "signoff", "sign"):
                notifications_resolve(topic=contract_topic(contract, step))
            continue
        for minister in _ministers():
            notify(
                recipient=minister,
                key=f"contract-blacklisted:{contract.pk}:{merchant.vetted_at:%Y%m%d%H%M%S}",
                title=Message(
                    gettext_noop("已签署合同的赞助方被列入黑名单：%(number)s %(merchant)s"),
                    number=contract.number,
                    merchant=merchant.name,
                ),
                body=Message(
                    gettext_noop("拉黑原因：%(reason)s。请在合同页决定：终止合同并写明原因，或保留合同并写明说明。"),
                    reason=blacklist_reason(merchant),
                ),
                url=contract.get_absolute_url(),
                topic=contract_topic(contract, "blacklist"),
            )


@transaction.atomic
def amendment_create(*, contract: Contract, text: str, created_by: Member) -> Amendment:
    if contract.status not in (ContractStatus.SIGNED, ContractStatus.IN_FULFILMENT):
        raise ValidationError(_("只有已签署、执行中的合同可以添加补充协议。"))
    # Lock the contract row so two amendments at once do not take the same number.
    Contract.objects.select_for_update().filter(pk=contract.pk).first()
    number = (contract.amendments.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return _save(Amendment(contract=contract, number=number, text=text, created_by=created_by))


# --- Fulfilment


@transaction.atomic
def deliverable_complete(*, deliverable: Deliverable, member: Member, note: str, images) -> Deliverable:
    if deliverable.status == DeliverableStatus.VERIFIED:
        raise ValidationError(_("该事项已核实，不能再修改。"))
    if not images and not deliverable.evidence.exists():
        raise ValidationError(_("请上传至少一张照片作为落实凭证。"))
    for image in images:
        evidence = _save(Evidence(deliverable=deliverable, image=image, uploaded_by=member))
        if (thumbnail := thumbnail_of(evidence.image)) is not None:
            evidence.thumbnail.save(thumbnail.name, thumbnail, save=False)
            evidence.save(update_fields=["thumbnail", "updated_at"])
    deliverable.status = DeliverableStatus.DONE
    deliverable.note = note
    deliverable.completed_by = member
    deliverable.completed_at = timezone.now()
    _save(deliverable)
    notifications_resolve(topic=f"deliverable:{deliverable.pk}")
    return deliverable


@transaction.atomic
def deliverable_verify(*, deliverable: Deliverable, member: Member) -> Deliverable:
    if not roles.is_leader(member.user):
        raise PermissionDenied(_("只有副部长或部长可以核实落实情况。"))
    if deliverable.status != DeliverableStatus.DONE:
        raise ValidationError(_("只有已完成的事项可以核实。"))
    deliverable.status = DeliverableStatus.VERIFIED
    deliverable.verified_by = member
    deliverable.verified_at = timezone.now()
    _save(deliverable)
    notifications_resolve(topic=f"deliverable:{deliverable.pk}")
    contract = deliverable.contract
    if (
        contract.status == ContractStatus.IN_FULFILMENT
        and not contract.deliverables.exclude(status=DeliverableStatus.VERIFIED).exists()
    ):
        contract.status = ContractStatus.FULFILLED
        with suppress(StaleObjectError):  # terminated meanwhile: it stays terminated
            _save_contract(contract, fields=["status"], from_status=ContractStatus.IN_FULFILMENT)
    return deliverable


def deliverable_reopen(*, deliverable: Deliverable, member: Member) -> Deliverable:
    """The verifier sends a done item back (the photo does not show what was promised)."""
    if not roles.is_leader(member.user):
        raise PermissionDenied(_("只有副部长或部长可以退回落实事项。"))
    if deliverable.status != DeliverableStatus.DONE:
        raise ValidationError(_("只有已完成待核实的事项可以退回。"))
    deliverable.status = DeliverableStatus.OPEN
    return _save(deliverable)


def deliverables_transfer(from_member: Member, to_member: Member) -> int:
    """Handover: the open deliverables of a departing member go to their successor."""
    return Deliverable.objects.open().filter(owner=from_member).update(owner=to_member, updated_at=timezone.now())


# --- Money


@transaction.atomic
def payment_add(
    *, contract: Contract, amount: Decimal, due_on: date | None, note: str = "", on_acceptance: bool = False
) -> Payment:
    """An instalment on a date, or (`on_acceptance`) one that falls due when the sponsor has
    accepted every benefit: its date is set then, by `acceptance_payments_fall_due`. All of
    them together never come to more than the contract's cash."""
    if contract.status == ContractStatus.TERMINATED:
        raise ValidationError(_("合同已终止。"))
    _check_contract_not_blocked(contract, _("不能添加付款计划"))
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("金额须大于 0。")})
    # Locked, so two instalments added at once cannot together pass the cash amount.
    cash = Contract.objects.select_for_update().values_list("cash_amount", flat=True).get(pk=contract.pk)
    total = payments_total(contract) + amount
    if total > cash:
        raise ValidationError(
            {
                "amount": _("付款计划合计将为 %(total)s，超过现金赞助 %(cash)s（多出 %(over)s）。")
                % {"total": format_cny(total), "cash": format_cny(cash), "over": format_cny(total - cash)}
            }
        )
    if on_acceptance:
        due_on = None
    return _save(Payment(contract=contract, amount=amount, due_on=due_on, note=note, on_acceptance=on_acceptance))


@transaction.atomic
def payment_receive(
    *, payment: Payment, received_amount: Decimal | None = None, received_on: date | None = None
) -> Payment:
    """Record what actually arrived (the instalment in full unless told otherwise), once."""
    _check_contract_not_blocked(payment.contract, _("不能登记到账"))
    received_amount = payment.amount if received_amount is None else received_amount
    if received_amount <= 0:
        raise ValidationError({"received_amount": _("实收金额须大于 0。")})
    if received_amount > payment.amount:
        raise ValidationError(
            {
                "received_amount": _("实收金额不能超过该期应付的 %(amount)s；多付的款项请添加补充协议。")
                % {"amount": format_cny(payment.amount)}
            }
        )
    # Locked and checked: a double tap or two members at once record the money once.
    if Payment.objects.select_for_update().values_list("received_on", flat=True).get(pk=payment.pk) is not None:
        raise ValidationError(_("这笔款项已登记到账。"))
    payment.received_on = received_on or timezone.localdate()
    payment.received_amount = received_amount
    payment.full_clean()
    payment.save(update_fields=["received_on", "received_amount", "updated_at"])
    notifications_resolve(topic=payment_topic(payment))
    return payment


# --- Materials


def material_add(*, event: Event, **fields) -> Material:
    return _save(Material(event=event, **fields))


def material_mark_returned(*, material: Material) -> Material:
    material.returned = True
    _save(material)
    notifications_resolve(topic=f"material:{material.pk}")
    return material


# --- The merchant's signed link


def merchant_link_create(*, contract: Contract, created_by: Member, days: int = 30) -> tuple[MerchantLink, str]:
    if contract.status not in (ContractStatus.SIGNED, ContractStatus.IN_FULFILMENT, ContractStatus.FULFILLED):
        raise ValidationError(_("合同签署后才能发送链接给商家。"))
    link = _save(
        MerchantLink(contract=contract, created_by=created_by, expires_at=timezone.now() + timedelta(days=days))
    )
    return link, merchant_link_token(link)


def merchant_link_token(link: MerchantLink) -> str:
    return signing.dumps({"link": link.pk}, salt=LINK_SALT)


def merchant_link_revoke(*, link: MerchantLink) -> MerchantLink:
    link.revoked_at = timezone.now()
    return _save(link)


# --- Reminders (run daily by events.tasks.send_fulfilment_reminders)


@in_department_language
def fulfilment_reminders_send(*, today: date | None = None, days_ahead: int | None = None) -> int:
    """Remind owners of deliverables coming due or overdue and of borrowed/rented materials due
    back. Each reminder has its own key, so running this twice tells nobody anything twice."""
    today = today or timezone.localdate()
    rule = rule_for(ReminderKind.FULFILMENT)
    if not rule.active:
        return 0
    if days_ahead is None:
        days_ahead = rule.days
    batch = Reminders()
    open_items = (
        Deliverable.objects.filter(status=DeliverableStatus.OPEN, due_on__lte=today + timedelta(days=days_ahead))
        .exclude(contract__status=ContractStatus.TERMINATED)
        .select_related("owner__user", "clause", "contract__merchant")
    )
    for deliverable in open_items:
        overdue = deliverable.due_on < today
        key = f"deliverable-{'overdue' if overdue else 'due'}:{deliverable.pk}"
        title = Message(
            gettext_noop("落实事项已逾期：%(clause)s") if overdue else gettext_noop("落实事项即将到期：%(clause)s"),
            {"clause": deliverable.clause.text},
        )
        body = Message(
            gettext_noop("合同 %(number)s（%(merchant)s），截止 %(date)s。完成后请上传照片凭证。"),
            {
                "number": deliverable.contract.number,
                "merchant": deliverable.contract.merchant,
                "date": deliverable.due_on,
            },
        )
        batch.add(
            rule,
            responsible=[deliverable.owner],
            key=key,
            topic=f"deliverable:{deliverable.pk}",
            title=title,
            body=body,
            url=deliverable.get_absolute_url(),
        )
    materials = Material.objects.filter(
        returned=False, return_due__isnull=False, return_due__lte=today + timedelta(days=days_ahead)
    ).select_related("responsible__user", "event", "merchant")
    for material in materials:
        if material.responsible is None:
            continue
        title = Message(
            gettext_noop("物资待归还：%(name)s（%(provider)s）"), {"name": material.name, "provider": material.provider}
        )
        body = Message(
            gettext_noop("%(event)s 的物资应于 %(date)s 归还。"),
            {
                "event": material.event,
                "date": material.return_due,
            },
        )
        batch.add(
            rule,
            responsible=[material.responsible],
            key=f"material-due:{material.pk}",
            topic=f"material:{material.pk}",
            title=title,
            body=body,
            url=material.event.get_absolute_url() + "#materials",
        )
    return batch.send()


def deliverable_assign(*, deliverable: Deliverable, owner: Member, due_on: date) -> Deliverable:
    if deliverable.status == DeliverableStatus.VERIFIED:
        raise ValidationError(_("该事项已核实，不能再修改。"))
    deliverable.owner = owner
    deliverable.due_on = due_on
    return _save(deliverable)


# --- Payment and approval reminders (run daily by events.tasks)


def payment_topic(payment: Payment) -> str:
    return f"payment:{payment.pk}"


def _payment_body(payment: Payment) -> Message:
    return Message(
        gettext_noop(
            "合同 %(number)s（%(merchant)s）的一笔款项 %(amount)s 元，应于 %(date)s 到账。"
            "到账后请在合同页登记到账日期；逾期请联系商家。"
        ),
        {
            "number": payment.contract.number,
            "merchant": payment.contract.merchant,
            "amount": payment.amount,
            "date": payment.due_on,
        },
    )


@in_department_language
def payment_reminders_send(*, today: date | None = None) -> int:
    """Instalments due within the rule's days, and overdue ones (again every few days), to the
    contract's drafter and the minister."""
    today = today or timezone.localdate()
    batch = Reminders()
    unpaid = (
        Payment.objects.filter(received_on__isnull=True)
        .exclude(contract__status__in=[ContractStatus.TERMINATED, ContractStatus.DRAFT])
        .select_related("contract__merchant", "contract__owner__user")
    )
    due_rule = rule_for(ReminderKind.PAYMENT_DUE)
    for payment in unpaid.filter(due_on__gte=today, due_on__lte=today + timedelta(days=due_rule.days)):
        batch.add(
            due_rule,
            responsible=[payment.contract.owner],
            key=f"payment-due:{payment.pk}:{payment.due_on.isoformat()}",
            topic=payment_topic(payment),
            title=Message(
                gettext_noop("款项将于 %(date)s 到期：%(number)s %(merchant)s"),
                {
                    "date": payment.due_on,
                    "number": payment.contract.number,
                    "merchant": payment.contract.merchant,
                },
            ),
            body=_payment_body(payment),
            url=payment.contract.get_absolute_url() + "#payments",
        )
    overdue_rule = rule_for(ReminderKind.PAYMENT_OVERDUE)
    for payment in unpaid.filter(due_on__lt=today):
        n = overdue_round(due_on=payment.due_on, today=today, repeat_days=overdue_rule.repeat_days)
        batch.add(
            overdue_rule,
            responsible=[payment.contract.owner],
            key=f"payment-overdue:{payment.pk}:{payment.due_on.isoformat()}:{n}",
            topic=payment_topic(payment),
            title=Message(
                gettext_noop("款项逾期 %(days)d 天未到账：%(number)s %(merchant)s"),
                {
                    "days": (today - payment.due_on).days,
                    "number": payment.contract.number,
                    "merchant": payment.contract.merchant,
                },
            ),
            body=_payment_body(payment),
            url=payment.contract.get_absolute_url() + "#payments",
        )
    return batch.send()


@in_department_language
def contract_approval_reminders_send(*, now=None) -> int:
    """Contracts waiting for the minister's approval or the advisor's sign-off longer than the
    rule's days: the approver hears once per submission."""
    from .queries import contract_submitted_at  # it imports this module

    now = now or timezone.now()
    rule = rule_for(ReminderKind.CONTRACT_APPROVAL)
    if not rule.active:
        return 0
    batch = Reminders()
    waiting = (
        Contract.objects.filter(status=ContractStatus.SUBMITTED)
        .exclude(merchant__vetting_status=VettingStatus.BLACKLISTED)  # blocked: nothing to approve
        .select_related("merchant", "event", "owner")
    )
    members_of: dict[str, list[Member]] = {}  # each role's members, asked for once

    def approvers_for(role: str) -> list[Member]:
        if role not in members_of:
            members_of[role] = list(Member.objects.active().with_role(role).select_related("user"))
        return members_of[role]

    for contract in waiting.annotate(submitted_at=contract_submitted_at()).prefetch_related("in_kind_items"):
        since = contract.submitted_at or contract.updated_at
        days = (now - since).days
        if days < max(rule.days, 1):
            continue
        steps = []
        if contract.approved_by_id is None:
            steps.append(("approval", approvers_for(roles.Role.MINISTER)))
        if needs_advisor_signoff(contract) and contract.advisor_signed_off_by_id is None:
            steps.append(("signoff", approvers_for(roles.Role.ADVISOR)))
        for step, approvers in steps:
            title = Message(
                gettext_noop("合同已等待审批 %(days)d 天：%(number)s %(merchant)s")
                if step == "approval"
                else gettext_noop("合同已等待指导老师签批 %(days)d 天：%(number)s %(merchant)s"),
                {"days": days, "number": contract.number, "merchant": contract.merchant},
            )
            batch.add(
                rule,
                responsible=list(approvers),
                key=f"contract-waiting:{contract.pk}:{step}:{since:%Y%m%d%H%M%S}",
                topic=contract_topic(contract, step),
                title=title,
                body=Lines(
                    _contract_summary(contract),
                    Message(gettext_noop("请在合同页审批，或退回起草人修改。")),
                    separator="",
                ),
                url=contract.get_absolute_url(),
            )
    return batch.send()


# --- Acceptance by the sponsor (on its signed link) and the instalment tied to it
#
# Kept apart from submit/approve/sign: acceptance starts once a benefit is delivered and only
# ever adds an AcceptanceRecord and changes the deliverable's acceptance fields.

ACCEPTING_STATUSES = (ContractStatus.IN_FULFILMENT, ContractStatus.FULFILLED, ContractStatus.SIGNED)


def _locked_deliverable_for_sponsor(*, link: MerchantLink, deliverable_id: int) -> Deliverable:
    """The link's own deliverable, delivered, locked until the transaction ends (two taps at
    once record one answer)."""
    deliverable = (
        Deliverable.objects.select_for_update()
        .select_related("contract", "clause")
        .filter(pk=deliverable_id, contract_id=link.contract_id)
        .first()
    )
    if deliverable is None:
        raise ValidationError(_("找不到这项权益。"))
    if deliverable.contract.status not in ACCEPTING_STATUSES:
        raise ValidationError(_("该合同已终止，不能再验收。"))
    if not deliverable.is_delivered:
        raise ValidationError(_("这项权益尚未落实，落实后才能验收。"))
    return deliverable


def _answer(deliverable: Deliverable, acceptance: str, comment: str) -> None:
    deliverable.acceptance = acceptance
    deliverable.acceptance_comment = comment
    deliverable.acceptance_at = timezone.now()
    deliverable.full_clean()
    deliverable.save(update_fields=["acceptance", "acceptance_comment", "acceptance_at", "updated_at"])


@transaction.atomic
def acceptance_confirm(*, link: MerchantLink, deliverable_id: int, ip: str | None) -> Deliverable:
    """The sponsor confirms a delivered benefit (确认验收). Confirming the last one makes the
    instalments tied to acceptance fall due today."""
    deliverable = _locked_deliverable_for_sponsor(link=link, deliverable_id=deliverable_id)
    if deliverable.acceptance == Acceptance.CONFIRMED:
        return deliverable  # a second tap changes nothing
    _answer(deliverable, Acceptance.CONFIRMED, "")
    _save(
        AcceptanceRecord(
            contract=deliverable.contract, deliverable=deliverable, action=AcceptanceAction.CONFIRMED, link=link, ip=ip
        )
    )
    if not deliverable.contract.deliverables.filter(acceptance=Acceptance.OBJECTED).exists():
        notifications_resolve(topic=acceptance_topic(deliverable.contract))  # it withdrew its objection
    acceptance_payments_fall_due(contract=deliverable.contract)
    return deliverable


@transaction.atomic
def acceptance_object(*, link: MerchantLink, deliverable_id: int, comment: str, ip: str | None) -> Deliverable:
    """The sponsor objects to a delivered benefit, saying why; the drafter and the minister hear."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("请写明异议的内容，例如哪里与合同不符。"))
    if len(comment) > 1000:
        raise ValidationError(_("异议请控制在 1000 字以内。"))
    deliverable = _locked_deliverable_for_sponsor(link=link, deliverable_id=deliverable_id)
    _answer(deliverable, Acceptance.OBJECTED, comment)
    record = _save(
        AcceptanceRecord(
            contract=deliverable.contract,
            deliverable=deliverable,
            action=AcceptanceAction.OBJECTED,
            comment=comment,
            link=link,
            ip=ip,
        )
    )
    _tell_objection(deliverable, record)
    return deliverable


def acceptance_topic(contract: Contract) -> str:
    return f"contract:{contract.pk}:acceptance"


@in_department_language
def _tell_objection(deliverable: Deliverable, record: AcceptanceRecord) -> None:
    contract = deliverable.contract
    recipients = {member.pk: member for member in _ministers()}
    if contract.owner_id:
        recipients.setdefault(contract.owner_id, contract.owner)
    for member in recipients.values():
        notify(
            recipient=member,
            key=f"acceptance-objected:{record.pk}",
            title=Message(
                gettext_noop("赞助方对权益提出异议：%(number)s %(merchant)s"),
                number=contract.number,
                merchant=contract.merchant.name,
            ),
            body=Message(
                gettext_noop("权益：%(clause)s\n赞助方意见：%(comment)s\n请核实后在合同页处理异议。"),
                clause=deliverable.clause.text,
                comment=record.comment,
            ),
            url=contract.get_absolute_url() + "#acceptance",
            topic=acceptance_topic(contract),
        )


@transaction.atomic
def acceptance_objection_resolve(*, deliverable: Deliverable, member: Member, note: str) -> Deliverable:
    """The department answers an objection (re-hung the banner, explained the photo): the benefit
    goes back to the sponsor, who confirms it (or objects again) on the link."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("请写明如何处理了赞助方的异议。"))
    deliverable = Deliverable.objects.select_for_update().select_related("contract").get(pk=deliverable.pk)
    if deliverable.acceptance != Acceptance.OBJECTED:
        raise ValidationError(_("这项权益没有待处理的异议。"))
    deliverable.acceptance = Acceptance.PENDING
    deliverable.acceptance_at = None
    deliverable.full_clean()
    deliverable.save(update_fields=["acceptance", "acceptance_at", "updated_at"])
    _save(
        AcceptanceRecord(
            contract=deliverable.contract,
            deliverable=deliverable,
            action=AcceptanceAction.RESOLVED,
            comment=note,
            member=member,
        )
    )
    if not deliverable.contract.deliverables.filter(acceptance=Acceptance.OBJECTED).exists():
        notifications_resolve(topic=acceptance_topic(deliverable.contract))
    return deliverable


def contract_report_sent(*, contract: Contract, member: Member) -> Contract:
    """The fulfilment report went to the sponsor now: the default acceptance period starts."""
    if contract.status not in ACCEPTING_STATUSES:
        raise ValidationError(_("只有已签署的合同可以发送执行报告。"))
    contract.report_sent_at = timezone.now()
    return _save_contract(contract, fields=["report_sent_at"], from_status=list(ACCEPTING_STATUSES))


def contract_receipt_record(*, contract: Contract, handed_on: date, note: str = "") -> Contract:
    """The school finance office's receipt was handed to the sponsor on `handed_on`."""
    if contract.status not in (*ACCEPTING_STATUSES, ContractStatus.TERMINATED):
        raise ValidationError(_("只有已签署的合同可以登记收据。"))
    contract.receipt_handed_on = handed_on
    contract.receipt_note = note
    statuses = [*ACCEPTING_STATUSES, ContractStatus.TERMINATED]
    return _save_contract(contract, fields=["receipt_handed_on", "receipt_note"], from_status=statuses)


def acceptance_due_date(contract: Contract, *, today: date | None = None) -> date | None:
    """When the instalments tied to acceptance fall due, or None while they do not yet: the day
    the last benefit was confirmed, or (the contract's default period) `acceptance_days` after
    the report was sent, if no objection is open by then."""
    today = today or timezone.localdate()
    deliverables = list(contract.deliverables.all())
    if not deliverables or any(d.acceptance == Acceptance.OBJECTED for d in deliverables):
        return None
    if all(d.acceptance == Acceptance.CONFIRMED for d in deliverables):
        return max(timezone.localdate(d.acceptance_at) for d in deliverables)
    if contract.acceptance_days is not None and contract.report_sent_at is not None:
        deemed = timezone.localdate(contract.report_sent_at) + timedelta(days=contract.acceptance_days)
        if deemed <= today and all(d.is_delivered for d in deliverables):
            return deemed
    return None


@in_department_language
def acceptance_payments_fall_due(*, contract: Contract, today: date | None = None) -> int:
    """Give the contract's acceptance-tied instalments their date once acceptance is complete;
    the drafter hears. Idempotent: a payment that has its date keeps it."""
    due = acceptance_due_date(contract, today=today)
    if due is None:
        return 0
    waiting = list(contract.payments.filter(on_acceptance=True, due_on__isnull=True, received_on__isnull=True))
    if not waiting:
        return 0
    confirmed_all = not contract.deliverables.exclude(acceptance=Acceptance.CONFIRMED).exists()
    if not confirmed_all:
        _save(AcceptanceRecord(contract=contract, action=AcceptanceAction.DEEMED))
    for payment in waiting:
        payment.due_on = due
        payment.full_clean()
        payment.save(update_fields=["due_on", "updated_at"])
    if contract.owner_id:
        notify(
            recipient=contract.owner,
            key=f"acceptance-complete:{contract.pk}",
            title=Message(
                gettext_noop("赞助方验收完成，验收款已到期：%(number)s %(merchant)s"),
                number=contract.number,
                merchant=contract.merchant.name,
            ),
            body=Message(
                gettext_noop("验收后支付的 %(amount)s 元自 %(date)s 起到期，请联系赞助方付款。"),
                amount=str(sum(p.amount for p in waiting)),
                date=due,
            ),
            url=contract.get_absolute_url() + "#payments",
            topic=f"contract:{contract.pk}:acceptance-payment",
        )
    return len(waiting)


def acceptance_payments_sweep(*, today: date | None = None) -> int:
    """Daily: contracts whose default acceptance period ran out without an objection."""
    contracts = (
        Contract.objects.filter(
            status__in=ACCEPTING_STATUSES,
            acceptance_days__isnull=False,
            report_sent_at__isnull=False,
            payments__on_acceptance=True,
            payments__due_on__isnull=True,
        )
        .distinct()
        .select_related("owner__user", "merchant")
    )
    return sum(acceptance_payments_fall_due(contract=contract, today=today) for contract in contracts)
