"""A member's home page ("my day"): what is theirs to do today, in a fixed number of queries.

Each list is cut at HOME_LIST_LIMIT rows (one more is read to know there are more): the
page links to the full list, and a member with months of overdue work still gets a page
that loads at once.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, Count, DecimalField, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from events.models import Contract, ContractInKind, ContractStatus, Deliverable, DeliverableStatus
from jobs.models import Posting, PostingStatus, Screening
from sponsors.models import FollowUp, Merchant, Stage, VettingStatus, Visit
from sponsors.queries import merchants_not_visited_since

from .. import datachange, roles
from ..listing import in_few
from ..models import Member, Semester
from . import queries, scoring
from .summary import KeyFigures, key_figures

HOME_LIST_LIMIT = 8
# A merchant of yours with no visit for this many days is one to call on again.
QUIET_MERCHANT_DAYS = 30
# The department's figures on every home page are cached under the record's generation (a
# change anywhere gives a new key); this bounds a change that sends no signal.
KEY_FIGURES_CACHE_SECONDS = 300


@dataclass(frozen=True)
class Capped:
    """The first rows of a list, and whether there are more."""

    rows: list
    more: bool

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)


def _capped(queryset, limit: int = HOME_LIST_LIMIT) -> Capped:
    rows = list(queryset[: limit + 1])
    return Capped(rows=rows[:limit], more=len(rows) > limit)


@dataclass
class MyDay:
    today: date
    semester: Semester
    # None where the list is not the member's to work on (the advisor's follow-ups, say).
    followups: Capped | None
    deliverables: Capped | None
    screening: Capped | None
    approvals: Capped | None
    quiet_merchants: Capped | None
    quiet_days: int
    score: "scoring.ScoreCard | None"
    scored_members: int
    figures: KeyFigures


def followups_due(member: Member, today: date) -> Capped:
    """My open follow-ups due today or before, the oldest first."""
    return _capped(
        FollowUp.objects.open()
        .for_member(member)
        .filter(due_on__lte=today)
        .select_related("merchant")
        .order_by("due_on", "pk")
    )


def deliverables_open(member: Member) -> Capped:
    """What I promised a sponsor and have not delivered (or not had verified), soonest due first."""
    return _capped(
        Deliverable.objects.open()
        .filter(owner=member)
        .exclude(contract__status=ContractStatus.TERMINATED)
        .select_related("clause", "contract__merchant", "contract__event")
        .annotate(
            waiting_on_me=Case(When(status=DeliverableStatus.OPEN, then=0), default=1, output_field=IntegerField())
        )
        .order_by("waiting_on_me", "due_on", "pk")
    )


def postings_to_screen(member: Member) -> Capped:
    """Published postings of my merchants (or that I created) with applications waiting for
    screening, with how many wait."""
    return _capped(
        Posting.objects.exclude(status=PostingStatus.DRAFT)
        # My merchants' postings by the owner index, then each posting's merchant by its key: an
        # OR across the join (or an IN the planner expects hundreds from) read every merchant.
        .filter(in_few("merchant_id", Merchant.objects.filter(owner=member).values("pk")) | Q(created_by=member))
        .select_related("merchant")
        .annotate(n_pending=Count("applications", filter=Q(applications__screening=Screening.PENDING)))
        .filter(n_pending__gt=0)
        .order_by("deadline", "pk")
    )


def contracts_to_approve(member: Member) -> Capped | None:
    """Submitted contracts waiting for this minister's approval or this advisor's sign-off
    (only those above the sign-off amount); None for the roles that approve nothing."""
    submitted = Contract.objects.filter(status=ContractStatus.SUBMITTED).select_related("merchant", "event", "owner")
    if roles.is_minister(member.user):
        waiting = submitted.filter(approved_by__isnull=True)
    elif roles.has_role(member.user, roles.Role.ADVISOR):
        in_kind = (
            ContractInKind.objects.filter(contract=OuterRef("pk"))
            .order_by()
            .values("contract")
            .annotate(total=Sum("value"))
            .values("total")
        )
        money = DecimalField(max_digits=14, decimal_places=2)
        waiting = submitted.filter(advisor_signed_off_by__isnull=True).annotate(
            total_value=F("cash_amount")
            + Coalesce(Subquery(in_kind, output_field=money), Value(Decimal("0")), output_field=money)
        )
        waiting = waiting.filter(total_value__gt=Decimal(str(settings.CONTRACT_ADVISOR_SIGNOFF_ABOVE)))
    else:
        return None
    return _capped(waiting.order_by("updated_at", "pk"))


def merchants_gone_quiet(member: Member, days: int = QUIET_MERCHANT_DAYS) -> Capped:
    """My merchants (not lost, not blacklisted) without a visit for `days` days, the longest
    forgotten (or never visited) first."""
    # Each merchant's last visit by the (merchant, visited_at) index: Max() over the join let
    # the planner hash-join every visit of the department (200,000 at ten years).
    last_visit = Visit.objects.filter(merchant=OuterRef("pk")).order_by("-visited_at").values("visited_at")[:1]
    mine = (
        Merchant.objects.filter(owner=member)
        .exclude(stage=Stage.LOST)
        .exclude(vetting_status=VettingStatus.BLACKLISTED)
        .annotate(last_visit_at=Subquery(last_visit))
    )
    return _capped(
        merchants_not_visited_since(mine, days).order_by(F("last_visit_at").asc(nulls_first=True), "name", "pk")
    )


def my_score(member: Member, semester: Semester) -> tuple["scoring.ScoreCard | None", int]:
    """My score card this semester (with my rank), and how many members are ranked; None for
    members who are not scored (the advisor)."""
    members = list(queries.members_for_scoring())
    if member.pk not in {m.pk for m in members}:
        return None, len(members)
    cards = scoring.score_cards(semester, members)
    return next(card for card in cards if card.member.pk == member.pk), len(cards)


def department_figures(semester: Semester) -> KeyFigures:
    """The key figures: the same on every member's home, so computed once a change."""
    key = f"home:key-figures:{semester.pk}"
    return datachange.remember(key, lambda: key_figures(semester), KEY_FIGURES_CACHE_SECONDS)[0]


def my_day(member: Member, semester: Semester, today: date | None = None) -> MyDay:
    today = today or timezone.localdate()
    score, scored = my_score(member, semester)
    # The advisor reads and signs off; follow-ups, deliverables and screening are never theirs.
    writer = roles.can_write(member.user)
    return MyDay(
        today=today,
        semester=semester,
        followups=followups_due(member, today) if writer else None,
        deliverables=deliverables_open(member) if writer else None,
        screening=postings_to_screen(member) if writer else None,
        approvals=contracts_to_approve(member),
        quiet_merchants=merchants_gone_quiet(member) if writer else None,
        quiet_days=QUIET_MERCHANT_DAYS,
        score=score,
        scored_members=scored,
        figures=department_figures(semester),
    )
