"""Every write of the events app: events, benefits, proposals, contracts, fulfilment, money, materials."""

from contextlib import suppress
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from outreach import roles
from outreach.locking import StaleObjectError, save_changed
from outreach.messages import Lines, Message
from outreach.models import Member, ReminderKind
from outreach.reminders import in_department_language, overdue_round, remind, rule_for
from outreach.services import notifications_resolve, notify
from sponsors.models import Merchant

from .models import (
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


def _check_merchant(merchant: Merchant | None) -> None:
    if merchant is not None and not Merchant.objects.eligible_for_business().filter(pk=merchant.pk).exists():
        raise ValidationError(
            _("商家“%(name)s”已被列入黑名单，不能向其发送方案书或签订合同。") % {"name": merchant.name}
        )


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
    _check_benefits_approved(benefits, proposal.event)
    if price is None and not in_kind:
        raise ValidationError(_("请填写价格或实物内容。"))
    package = _save(ProposalPackage(proposal=proposal, tier=tier, name=name, price=price, in_kind=in_kind))
    package.benefits.set(benefits)
    return package


def proposal_set_status(*, proposal: Proposal, status: str) -> Proposal:
    if status not in ProposalStatus.values:
        raise ValidationError(_("请选择有效的方案书状态。"))
    proposal.status = status
    return _save(proposal)


# --- Contracts


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
) -> Contract:
    _check_merchant(merchant)
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
    _check_merchant(contract.merchant)
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
    contract.approved_by = member
    contract.approved_at = timezone.now()
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
    contract.advisor_signed_off_by = member
    contract.advisor_signed_off_at = timezone.now()
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
    """Store the signed scan; every clause becomes a deliverable for the contract's owner."""
    if contract.status != ContractStatus.APPROVED:
        raise ValidationError(_("合同须经审批后才能上传签署件。"))
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
    _save_contract(
        contract, fields=["status", "signed_scan", "signed_on", "signed_by"], from_status=ContractStatus.APPROVED
    )
    notifications_resolve(topic=f"contract:{contract.pk}:sign")
    return contract


def contract_terminate(*, contract: Contract, reason: str) -> Contract:
    if contract.status in (ContractStatus.FULFILLED, ContractStatus.TERMINATED):
        raise ValidationError(_("该合同已结束，不能终止。"))
    if not reason.strip():
        raise ValidationError(_("请填写终止原因。"))
    still_open = [status for status in ContractStatus.values if status not in ("fulfilled", "terminated")]
    contract.status = ContractStatus.TERMINATED
    contract.termination_reason = reason
    return _save_contract(contract, fields=["status", "termination_reason"], from_status=still_open)


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
        _save(Evidence(deliverable=deliverable, image=image, uploaded_by=member))
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


def payment_add(*, contract: Contract, amount: Decimal, due_on: date, note: str = "") -> Payment:
    if contract.status == ContractStatus.TERMINATED:
        raise ValidationError(_("合同已终止。"))
    return _save(Payment(contract=contract, amount=amount, due_on=due_on, note=note))


def payment_receive(*, payment: Payment, received_on: date | None = None) -> Payment:
    payment.received_on = received_on or timezone.localdate()
    _save(payment)
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
    sent = 0
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
                "date": deliverable.due_on.isoformat(),
            },
        )
        sent += remind(
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
                "date": material.return_due.isoformat(),
            },
        )
        sent += remind(
            rule,
            responsible=[material.responsible],
            key=f"material-due:{material.pk}",
            topic=f"material:{material.pk}",
            title=title,
            body=body,
            url=material.event.get_absolute_url() + "#materials",
        )
    return sent


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
            "date": payment.due_on.isoformat(),
        },
    )


@in_department_language
def payment_reminders_send(*, today: date | None = None) -> int:
    """Instalments due within the rule's days, and overdue ones (again every few days), to the
    contract's drafter and the minister."""
    today = today or timezone.localdate()
    told = 0
    unpaid = (
        Payment.objects.filter(received_on__isnull=True)
        .exclude(contract__status__in=[ContractStatus.TERMINATED, ContractStatus.DRAFT])
        .select_related("contract__merchant", "contract__owner__user")
    )
    due_rule = rule_for(ReminderKind.PAYMENT_DUE)
    for payment in unpaid.filter(due_on__gte=today, due_on__lte=today + timedelta(days=due_rule.days)):
        told += remind(
            due_rule,
            responsible=[payment.contract.owner],
            key=f"payment-due:{payment.pk}:{payment.due_on.isoformat()}",
            topic=payment_topic(payment),
            title=Message(
                gettext_noop("款项将于 %(date)s 到期：%(number)s %(merchant)s"),
                {
                    "date": payment.due_on.isoformat(),
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
        told += remind(
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
    return told


def contract_submitted_at(contract: Contract):
    """When the contract was last submitted: the first "submitted" record after its last draft."""
    history = contract.history.order_by("history_date")
    last_draft = history.filter(status=ContractStatus.DRAFT).values_list("history_date", flat=True).last()
    submitted = history.filter(status=ContractStatus.SUBMITTED)
    if last_draft is not None:
        submitted = submitted.filter(history_date__gt=last_draft)
    first = submitted.values_list("history_date", flat=True).first()
    return first or contract.updated_at


@in_department_language
def contract_approval_reminders_send(*, now=None) -> int:
    """Contracts waiting for the minister's approval or the advisor's sign-off longer than the
    rule's days: the approver hears once per submission."""
    now = now or timezone.now()
    rule = rule_for(ReminderKind.CONTRACT_APPROVAL)
    if not rule.active:
        return 0
    told = 0
    waiting = Contract.objects.filter(status=ContractStatus.SUBMITTED).select_related("merchant", "event", "owner")
    for contract in waiting.prefetch_related("in_kind_items"):
        since = contract_submitted_at(contract)
        days = (now - since).days
        if days < max(rule.days, 1):
            continue
        steps = []
        if contract.approved_by_id is None:
            steps.append(("approval", Member.objects.active().with_role(roles.Role.MINISTER).select_related("user")))
        if needs_advisor_signoff(contract) and contract.advisor_signed_off_by_id is None:
            steps.append(("signoff", Member.objects.active().with_role(roles.Role.ADVISOR).select_related("user")))
        for step, approvers in steps:
            title = Message(
                gettext_noop("合同已等待审批 %(days)d 天：%(number)s %(merchant)s")
                if step == "approval"
                else gettext_noop("合同已等待指导老师签批 %(days)d 天：%(number)s %(merchant)s"),
                {"days": days, "number": contract.number, "merchant": contract.merchant},
            )
            told += remind(
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
    return told
