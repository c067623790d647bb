"""Reads of the events app, each loading what its page needs up front."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db.models import (
    Count,
    DateTimeField,
    DecimalField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from outreach.listing import count_of
from outreach.messages import Message
from outreach.money import format_cny
from sponsors.models import Merchant
from sponsors.timeline import TimelineEntry

from .models import (
    OPEN_PROPOSAL_STATUSES,
    SIGNED_STATUSES,
    Acceptance,
    AcceptanceRecord,
    Benefit,
    BenefitApproval,
    Contract,
    ContractInKind,
    ContractStatus,
    Deliverable,
    DeliverableStatus,
    Event,
    Evidence,
    MerchantLink,
    Payment,
    Proposal,
    ProposalPackage,
)
from .services import LINK_SALT


@dataclass(frozen=True)
class MoneyRaised:
    cash_received: Decimal
    cash_promised: Decimal
    in_kind: Decimal
    target: Decimal

    @property
    def total(self) -> Decimal:
        return self.cash_received + self.in_kind

    @property
    def percent(self) -> int:
        if not self.target:
            return 0
        return min(100, int(self.total * 100 / self.target))


def events_for_list():
    signed = Contract.objects.filter(event=OuterRef("pk"), status__in=SIGNED_STATUSES)
    return Event.objects.for_list().annotate(
        contract_count=count_of(signed),
        proposal_count=count_of(Proposal.objects.filter(event=OuterRef("pk"))),
    )


def money_raised(event: Event) -> MoneyRaised:
    """Received cash and the in-kind value of signed contracts, counted separately."""
    signed = Contract.objects.filter(event=event, status__in=SIGNED_STATUSES)
    cash = Payment.objects.filter(contract__in=signed).aggregate(
        received=Sum("received_amount", filter=Q(received_on__isnull=False)), promised=Sum("amount")
    )
    in_kind = ContractInKind.objects.filter(contract__in=signed).aggregate(total=Sum("value"))["total"]
    return MoneyRaised(
        cash_received=cash["received"] or Decimal("0"),
        cash_promised=cash["promised"] or Decimal("0"),
        in_kind=in_kind or Decimal("0"),
        target=event.sponsorship_target,
    )


# The event page lists the latest proposals and contracts, and links to all of them.
EVENT_DETAIL_LATEST = 10


def event_proposals(event: Event) -> QuerySet[Proposal]:
    """The event's proposals, the latest first (the event page, the event's proposal list)."""
    return Proposal.objects.filter(event=event).select_related("merchant").order_by("-created_at", "-pk")


def event_for_detail(pk: int):
    """The event with its latest proposals and contracts (`latest_proposals`, `latest_contracts`,
    at most EVENT_DETAIL_LATEST each; a sliced prefetch) and how many there are in all."""
    approvals = Prefetch("approvals", queryset=BenefitApproval.objects.order_by("department"))
    latest = slice(0, EVENT_DETAIL_LATEST)
    proposals = Proposal.objects.select_related("merchant").order_by("-created_at", "-pk")[latest]
    contracts = Contract.objects.select_related("merchant").order_by("-created_at", "-pk")[latest]
    return (
        Event.objects.select_related("owner")
        .annotate(
            proposal_total=count_of(Proposal.objects.filter(event=OuterRef("pk"))),
            contract_total=count_of(Contract.objects.filter(event=OuterRef("pk"))),
        )
        .prefetch_related(
            "industries",
            "co_organisers",
            Prefetch("benefits", queryset=Benefit.objects.prefetch_related(approvals).order_by("kind", "pk")),
            Prefetch("proposals", queryset=proposals, to_attr="latest_proposals"),
            Prefetch("contracts", queryset=contracts, to_attr="latest_contracts"),
            "materials__merchant",
            "materials__responsible",
        )
        .get(pk=pk)
    )


# The event pickers (the contract and payment lists' filters) offer a few matches.
EVENT_SEARCH_LIMIT = 8


def events_for_search(text: str, limit: int = EVENT_SEARCH_LIMIT) -> list[Event]:
    """Events whose title contains the text, the latest first; none for an empty text."""
    text = text.strip()
    if not text:
        return []
    return list(Event.objects.filter(title__icontains=text).order_by("-starts_on", "-pk")[:limit])


def suggested_merchants(event: Event, limit: int = 10) -> list[Merchant]:
    """The CRM's suggestion for the event's industries, minus merchants already approached for it."""
    approached = Q(proposals__event=event) | Q(contracts__event=event)
    return list(
        Merchant.objects.suggested_for_industries(event.industries.all()).exclude(
            pk__in=Merchant.objects.filter(approached).values("pk")
        )[:limit]
    )


def proposal_for_detail(pk: int) -> Proposal:
    benefits = Prefetch("benefits", queryset=Benefit.objects.prefetch_related("approvals"))
    return (
        Proposal.objects.select_related("event", "merchant", "contact__user", "created_by")
        .prefetch_related(
            Prefetch("packages", queryset=ProposalPackage.objects.prefetch_related(benefits)),
            "event__industries",
            "contracts",
        )
        .get(pk=pk)
    )


def contract_for_detail(pk: int) -> Contract:
    return (
        Contract.objects.for_detail()
        .prefetch_related(
            "clauses__benefit",
            "in_kind_items",
            "payments",
            "amendments",
            Prefetch(
                "deliverables",
                queryset=Deliverable.objects.select_related(
                    "clause", "owner", "completed_by", "verified_by"
                ).prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("pk"))),
            ),
            Prefetch("links", queryset=MerchantLink.objects.order_by("-created_at")),
            "merchant__contacts",
            Prefetch(
                "acceptance_records",
                queryset=AcceptanceRecord.objects.select_related("deliverable__clause", "member").order_by(
                    "created_at", "pk"
                ),
            ),
        )
        .get(pk=pk)
    )


def payments_gap(contract: Contract) -> str:
    """While a contract is a draft: how far its instalments are from its cash amount, in words
    ("" when they add up). Reads the prefetched payments."""
    if contract.status != ContractStatus.DRAFT:
        return ""
    total = sum((payment.amount for payment in contract.payments.all()), Decimal("0"))
    if total == contract.cash_amount:
        return ""
    return _("付款计划合计 %(total)s，与现金赞助 %(cash)s 相差 %(diff)s：补足后才能提交审批。") % {
        "total": format_cny(total),
        "cash": format_cny(contract.cash_amount),
        "diff": format_cny(abs(contract.cash_amount - total)),
    }


def fulfilment_summary(contract: Contract) -> dict[str, int]:
    today = timezone.localdate()
    deliverables = list(contract.deliverables.all())
    return {
        "total": len(deliverables),
        "done": sum(d.status != DeliverableStatus.OPEN for d in deliverables),
        "verified": sum(d.status == DeliverableStatus.VERIFIED for d in deliverables),
        "overdue": sum(d.status == DeliverableStatus.OPEN and d.due_on < today for d in deliverables),
        "due": sum(d.status == DeliverableStatus.OPEN and d.due_on >= today for d in deliverables),
    }


def resolve_merchant_link(token: str) -> MerchantLink | None:
    """The link a token names if it is genuine, not revoked and not expired; else None."""
    try:
        payload = signing.loads(token, salt=LINK_SALT)
    except signing.BadSignature:
        return None
    link_id = payload.get("link") if isinstance(payload, dict) else None
    if not isinstance(link_id, int):
        return None
    return (
        MerchantLink.objects.select_related("contract")
        .filter(pk=link_id, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def joint_events_by_organisation(merchant_ids) -> dict[int, list[Event]]:
    """Joint events per co-organising merchant (brother schools' organisations), one query."""
    through = Event.co_organisers.through
    rows = (
        through.objects.filter(merchant_id__in=list(merchant_ids))
        .select_related("event")
        .order_by("-event__starts_on", "event__title")
    )
    result: dict[int, list[Event]] = defaultdict(list)
    for row in rows:
        result[row.merchant_id].append(row.event)
    return dict(result)


# --- Cross-app contributions


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def timeline_entries(merchant, limit: int | None = None) -> list[TimelineEntry]:
    """Proposals, contracts and received payments of a merchant: three queries, the newest
    `limit` of each."""
    entries = []
    proposals = Proposal.objects.filter(merchant=merchant).select_related("event").order_by("-created_at", "-pk")
    for proposal in proposals[:limit] if limit is not None else proposals:
        entries.append(
            TimelineEntry(
                when=proposal.created_at,
                kind="proposal",
                title=_("赞助方案书：%(title)s") % {"title": proposal.title},
                url=proposal.get_absolute_url(),
                detail=str(proposal.event),
                badges=(str(proposal.get_status_display()),),
            )
        )
    contracts = Contract.objects.filter(merchant=merchant).select_related("event")
    contracts = contracts.order_by(Coalesce("signed_on", TruncDate("created_at")).desc(), "-pk")
    for contract in contracts[:limit] if limit is not None else contracts:
        when = _aware(contract.signed_on) if contract.signed_on else contract.created_at
        entries.append(
            TimelineEntry(
                when=when,
                kind="contract",
                title=_("赞助合同 %(number)s") % {"number": contract.number},
                url=contract.get_absolute_url(),
                detail=str(contract.event),
                badges=(str(contract.get_status_display()),),
            )
        )
    payments = Payment.objects.filter(contract__merchant=merchant, received_on__isnull=False).select_related("contract")
    payments = payments.order_by("-received_on", "-pk")
    for payment in payments[:limit] if limit is not None else payments:
        entries.append(
            TimelineEntry(
                when=_aware(payment.received_on),
                kind="payment",
                title=_("赞助款到账 %(amount)s") % {"amount": format_cny(payment.received_amount or payment.amount)},
                url=payment.contract.get_absolute_url(),
                detail=payment.contract.number,
            )
        )
    return entries


def business_in_progress(merchant) -> list:
    """For a blacklisted merchant's page: its contracts and open proposals, and what the
    blacklist did to each (two queries)."""
    from sponsors.blacklisting import BusinessItem

    items = []
    contracts = (
        Contract.objects.filter(merchant=merchant)
        .exclude(status__in=[ContractStatus.FULFILLED, ContractStatus.TERMINATED])
        .select_related("merchant", "blacklist_kept_by")
        .order_by("number")
    )
    for contract in contracts:
        state = contract.blacklist_state
        if state == "blocked":
            text = _("%(status)s，已冻结：不能提交、审批、签署或登记付款") % {"status": contract.get_status_display()}
        elif state == "kept":
            text = _("已签署，部长%(who)s决定保留：%(note)s") % {
                "who": contract.blacklist_kept_by or "—",
                "note": contract.blacklist_note,
            }
        else:
            text = _("已签署，待部长决定终止或保留")
        items.append(
            BusinessItem(
                title=_("赞助合同 %(number)s") % {"number": contract.number},
                url=contract.get_absolute_url(),
                state=text,
                needs_decision=state == "flagged",
            )
        )
    for proposal in Proposal.objects.filter(merchant=merchant, status__in=OPEN_PROPOSAL_STATUSES).order_by("pk"):
        items.append(
            BusinessItem(
                title=_("赞助方案书：%(title)s") % {"title": proposal.title},
                url=proposal.get_absolute_url(),
                state=_("%(status)s，已冻结：不能再添加级别、发送或接受") % {"status": proposal.get_status_display()},
            )
        )
    return items


def contracts_signed_per_member(start: date, end: date) -> dict[int, int]:
    rows = (
        Contract.objects.filter(signed_on__range=(start, end), owner__isnull=False)
        .exclude(status=ContractStatus.TERMINATED)
        .values("owner_id")
        .annotate(n=Count("pk"))
    )
    return {row["owner_id"]: row["n"] for row in rows}


def deliverables_verified_per_member(start: date, end: date) -> dict[int, int]:
    rows = (
        Deliverable.objects.filter(verified_at__gte=_aware(start), verified_at__lt=_aware(end + timedelta(days=1)))
        .values("owner_id")
        .annotate(n=Count("pk"))
    )
    return {row["owner_id"]: row["n"] for row in rows}


HISTORY_FIELDS = [
    "status",
    "approved_by",
    "advisor_signed_off_by",
    "blacklist_note",
    "cash_amount",
    "payment_terms",
    "breach_terms",
    "merchant",
    "signed_on",
    "termination_reason",
]


def contract_history(contract: Contract) -> list[dict]:
    """Who changed what on a contract, newest first (one query)."""
    records = list(contract.history.select_related("history_user__member").order_by("history_date", "history_id"))
    changes = []
    previous = None
    for record in records:
        if previous is None:
            fields = [_("创建")]
        else:
            delta = record.diff_against(previous, included_fields=HISTORY_FIELDS)
            fields = [str(Contract._meta.get_field(change.field).verbose_name) for change in delta.changes]
        if fields:
            user = record.history_user
            who = getattr(getattr(user, "member", None), "display_name", None) or (user.get_username() if user else "")
            changes.append(
                {"when": record.history_date, "who": who, "status": record.get_status_display(), "fields": fields}
            )
        previous = record
    return list(reversed(changes))


# --- The digests' sections (registered in apps.py)


def digest_deliverables(member, today: date):
    from outreach.digests import DigestItem
    from outreach.models import ReminderKind
    from outreach.reminders import rule_for

    days = rule_for(ReminderKind.FULFILMENT).days
    items = []
    deliverables = (
        Deliverable.objects.filter(
            owner=member, status=DeliverableStatus.OPEN, due_on__lte=today + timedelta(days=days)
        )
        .exclude(contract__status=ContractStatus.TERMINATED)
        .select_related("clause", "contract__merchant")
    )
    for deliverable in deliverables:
        items.append(
            DigestItem(
                Message(
                    gettext_noop("%(clause)s（合同 %(number)s，%(merchant)s），截止 %(date)s"),
                    clause=deliverable.clause.text,
                    number=deliverable.contract.number,
                    merchant=deliverable.contract.merchant.name,
                    date=deliverable.due_on,
                ),
                deliverable.get_absolute_url(),
            )
        )
    return items


def _unpaid():
    return (
        Payment.objects.filter(received_on__isnull=True)
        .exclude(contract__status__in=[ContractStatus.TERMINATED, ContractStatus.DRAFT])
        .select_related("contract__merchant")
    )


def _payment_item(payment: Payment):
    from outreach.digests import DigestItem

    return DigestItem(
        Message(
            gettext_noop("合同 %(number)s（%(merchant)s）%(amount)s，应于 %(date)s 到账"),
            number=payment.contract.number,
            merchant=payment.contract.merchant.name,
            amount=format_cny(payment.amount),
            date=payment.due_on,
        ),
        payment.contract.get_absolute_url() + "#payments",
    )


def digest_payments(member, today: date):
    """Instalments due soon or overdue on the member's contracts (every contract for the minister)."""
    from outreach import roles
    from outreach.models import ReminderKind
    from outreach.reminders import rule_for

    days = rule_for(ReminderKind.PAYMENT_DUE).days
    payments = _unpaid().filter(due_on__lte=today + timedelta(days=days))
    if not roles.is_minister(member.user):
        payments = payments.filter(contract__owner=member)
    return [_payment_item(payment) for payment in payments]


def digest_overdue_fulfilment(monday: date):
    from outreach.digests import DigestItem

    rows = (
        Deliverable.objects.overdue(monday)
        .exclude(contract__status=ContractStatus.TERMINATED)
        .values("owner__display_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner__display_name")
    )
    items = [
        DigestItem(
            Message(
                gettext_noop("%(name)s：逾期落实事项 %(count)d 项"), name=row["owner__display_name"], count=row["n"]
            )
        )
        for row in rows
    ]
    items += [_payment_item(payment) for payment in _unpaid().filter(due_on__lt=monday)]
    return items


def digest_money_received(monday: date):
    from outreach.digests import DigestItem

    week = Payment.objects.filter(received_on__gte=monday - timedelta(days=7), received_on__lt=monday)
    total = week.aggregate(total=Sum("received_amount"))["total"] or Decimal("0")
    return [
        DigestItem(
            Message(gettext_noop("上周到账 %(total)s，共 %(count)d 笔"), total=format_cny(total), count=week.count())
        )
    ]


# --- The department-wide lists (contracts, deliverables, payments) and what they share with
# the dashboard: one definition of "signed", "overdue" and "waiting", so a figure and the list
# behind it always count the same rows.

_MONEY_FIELD = {"max_digits": 14, "decimal_places": 2}


def _per_contract_sum(model, field: str, **filters):
    rows = (
        model.objects.filter(contract=OuterRef("pk"), **filters)
        .order_by()
        .values("contract")
        .annotate(total=Sum(field))
        .values("total")[:1]
    )
    return Coalesce(Subquery(rows), Value(Decimal("0")), output_field=DecimalField(**_MONEY_FIELD))


def contract_submitted_at():
    """When the contract was last submitted for approval, from its history: the first
    "submitted" version after the last draft one (a contract returned to its drafter and
    submitted again waits from the second submission)."""
    history = Contract.history.model
    last_draft = (
        history.objects.filter(id=OuterRef(OuterRef("pk")), status=ContractStatus.DRAFT)
        .order_by("-history_date")
        .values("history_date")[:1]
    )
    since = Coalesce(Subquery(last_draft), Value(datetime(2000, 1, 1, tzinfo=UTC)), output_field=DateTimeField())
    first_submitted = (
        history.objects.filter(id=OuterRef("pk"), status=ContractStatus.SUBMITTED, history_date__gt=since)
        .order_by("history_date")
        .values("history_date")[:1]
    )
    return Subquery(first_submitted, output_field=DateTimeField())


def contracts_for_list() -> QuerySet[Contract]:
    return Contract.objects.select_related("event", "merchant", "merchant__industry", "owner").annotate(
        in_kind_total=_per_contract_sum(ContractInKind, "value"),
        cash_received=_per_contract_sum(Payment, "received_amount", received_on__isnull=False),
        submitted_at=contract_submitted_at(),
    )


def signoff_threshold() -> Decimal:
    return Decimal(str(settings.CONTRACT_ADVISOR_SIGNOFF_ABOVE))


def contracts_waiting_for(queryset: QuerySet[Contract], member) -> QuerySet[Contract]:
    """What this member should act on: the minister approves, the advisor signs off large
    contracts, a drafter submits drafts and has approved contracts signed."""
    from outreach import roles

    user = member.user
    waiting = Q(pk__in=[])
    if roles.is_minister(user):
        waiting |= Q(status=ContractStatus.SUBMITTED, approved_by__isnull=True)
    if roles.has_role(user, roles.Role.ADVISOR):
        waiting |= Q(status=ContractStatus.SUBMITTED, advisor_signed_off_by__isnull=True) & Q(
            pk__in=contracts_needing_signoff().values("pk")
        )
    if roles.can_write(user):
        waiting |= Q(owner=member, status__in=[ContractStatus.DRAFT, ContractStatus.APPROVED])
    return queryset.filter(waiting)


def contracts_needing_signoff() -> QuerySet[Contract]:
    return (
        Contract.objects.annotate(in_kind_sum=_per_contract_sum(ContractInKind, "value"))
        .annotate(worth=F("cash_amount") + F("in_kind_sum"))
        .filter(worth__gt=signoff_threshold())
    )


def deliverables_for_list() -> QuerySet[Deliverable]:
    return Deliverable.objects.select_related("contract", "contract__merchant", "contract__event", "owner", "clause")


def payments_for_list() -> QuerySet[Payment]:
    """Instalments of signed contracts (a draft's payment plan is not yet money owed)."""
    return Payment.objects.filter(contract__status__in=SIGNED_STATUSES).select_related(
        "contract", "contract__merchant", "contract__event"
    )


def payments_overdue(queryset: QuerySet[Payment], today: date | None = None) -> QuerySet[Payment]:
    return queryset.filter(received_on__isnull=True, due_on__lt=today or timezone.localdate())


def payments_due(queryset: QuerySet[Payment], today: date | None = None) -> QuerySet[Payment]:
    return queryset.filter(received_on__isnull=True, due_on__gte=today or timezone.localdate())


# --- What the printed contract says besides the contract row


def contract_document_parts(contract: Contract) -> dict:
    """The union's side (the department settings), the sponsor's contact (the contract's, else
    the merchant's primary contact), whether the advisor signs, and the benefit annex with each
    benefit's acceptance. A fixed number of queries (clauses, deliverables and contacts may be
    prefetched)."""
    from outreach.models import DepartmentProfile

    from .services import needs_advisor_signoff

    contact = next(iter(contract.merchant.contacts.all()), None)
    deliverables = {d.clause_id: d for d in contract.deliverables.all()}
    return {
        "profile": DepartmentProfile.current(),
        "sponsor_contact": contract.sponsor_contact or (contact.name if contact else ""),
        "sponsor_phone": contract.sponsor_phone or (contact.mobile if contact else ""),
        "sponsor_email": contact.email if contact else "",
        "needs_signoff": needs_advisor_signoff(contract),
        "annex": [(clause, deliverables.get(clause.pk)) for clause in contract.clauses.all()],
    }


def acceptance_summary(contract: Contract) -> dict[str, int]:
    """How the sponsor answered: confirmed, objected, and delivered but not answered yet."""
    deliverables = list(contract.deliverables.all())
    return {
        "total": len(deliverables),
        "confirmed": sum(d.acceptance == Acceptance.CONFIRMED for d in deliverables),
        "objected": sum(d.acceptance == Acceptance.OBJECTED for d in deliverables),
        "unanswered": sum(d.acceptance == Acceptance.PENDING and d.is_delivered for d in deliverables),
        "undelivered": sum(not d.is_delivered for d in deliverables),
    }
