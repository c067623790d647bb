"""The department's figures for a semester: the three key figures every member's home page
shows, and the semester work summary (学期工作总结) with its charts.

Everything is aggregated in the database, so each function costs the same number of queries
for a quiet semester and a busy one; Python only puts the grouped rows together.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import (
    SIGNED_STATUSES,
    Contract,
    ContractInKind,
    ContractStatus,
    Deliverable,
    DeliverableStatus,
    Event,
    EventStatus,
    Payment,
)
from jobs.models import Application, Outcome, Posting, PostingStatus, admission_rate
from sponsors.models import FollowUp, Merchant, Stage, StageChange, VettingStatus, Visit

from ..charts import Bar, bar_chart_svg
from ..listing import in_few
from ..models import ExperienceShare, Semester, SemesterSummary
from ..money import format_cny
from . import queries, scoring

ZERO = Decimal("0")

# An employer whose interviews hire fewer than this share of the students sent is a problem
# worth naming in the summary: the department's screening, or the employer, needs a look.
LOW_ADMISSION_RATE = 0.3

# Metrics whose leader the summary names among the member highlights, in this order.
HIGHLIGHT_METRICS = ["visit", "contract_signed", "deliverable_verified", "application_screened", "experience_shared"]

BEST_SHARES = 5
# A summary names the first problems of each kind and counts the rest: a document that
# lists a thousand lost merchants helps nobody.
PROBLEM_LIST_LIMIT = 20
TOP_MEMBERS = 5


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants a run of local days covers, for datetime columns (end exclusive)."""
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)


def _semester_events(semester: Semester):
    return Event.objects.filter(starts_on__range=(semester.start_date, semester.end_date))


# --- The three key figures (every member's home page)


@dataclass(frozen=True)
class KeyFigures:
    cash_received: Decimal
    sponsorship_target: Decimal
    negotiating: int
    applications_sent: int
    applications_hired: int

    @property
    def cash_percent(self) -> int | None:
        if not self.sponsorship_target:
            return None
        return int(self.cash_received * 100 / self.sponsorship_target)

    @property
    def admission_rate(self) -> float | None:
        return admission_rate(self.applications_hired, self.applications_sent)


def key_figures(semester: Semester) -> KeyFigures:
    """Cash received for this semester's events against their targets, merchants in
    negotiation now, and the admission rate of this semester's part-time jobs: four queries."""
    events = _semester_events(semester).exclude(status=EventStatus.CANCELLED)
    target = events.aggregate(total=Sum("sponsorship_target"))["total"] or ZERO
    received = (
        Payment.objects.filter(
            contract__event__in=events, contract__status__in=SIGNED_STATUSES, received_on__isnull=False
        ).aggregate(total=Sum("received_amount"))["total"]
        or ZERO
    )
    negotiating = Merchant.objects.filter(stage=Stage.NEGOTIATING).exclude(vetting_status=VettingStatus.BLACKLISTED)
    # The semester's few postings first, then their applications by the posting index.
    postings = Posting.objects.filter(work_start__range=(semester.start_date, semester.end_date)).values("pk")
    jobs = Application.objects.filter(in_few("posting_id", postings)).aggregate(
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
        hired=Count("pk", filter=Q(outcome=Outcome.HIRED)),
    )
    return KeyFigures(
        cash_received=received,
        sponsorship_target=target,
        negotiating=negotiating.count(),
        applications_sent=jobs["sent"],
        applications_hired=jobs["hired"],
    )


# --- The semester work summary


@dataclass
class EventLine:
    event: Event
    sponsors: list[Contract] = field(default_factory=list)
    cash_received: Decimal = ZERO
    cash_promised: Decimal = ZERO
    in_kind: Decimal = ZERO
    deliverables: int = 0
    verified: int = 0
    overdue: int = 0

    @property
    def raised(self) -> Decimal:
        return self.cash_received + self.in_kind

    @property
    def fulfilment_percent(self) -> int | None:
        return int(self.verified * 100 / self.deliverables) if self.deliverables else None


@dataclass(frozen=True)
class EmployerLine:
    merchant_id: int
    name: str
    postings: int
    headcount: int
    applied: int
    sent: int
    hired: int

    @property
    def admission_rate(self) -> float | None:
        return admission_rate(self.hired, self.sent)

    @property
    def is_low(self) -> bool:
        rate = self.admission_rate
        return rate is not None and rate < LOW_ADMISSION_RATE


@dataclass(frozen=True)
class Highlight:
    label: str
    member: object
    count: int


@dataclass
class Overview:
    events: int
    contracts_signed: int
    cash_received: Decimal
    cash_promised: Decimal
    in_kind: Decimal
    target: Decimal
    visits: int
    merchants_signed: int
    merchants_lost: int
    postings: int
    applications: int
    sent: int
    hired: int
    training_sessions: int
    meetings: int
    shares: int

    @property
    def admission_rate(self) -> float | None:
        return admission_rate(self.hired, self.sent)


@dataclass
class Problems:
    # The first PROBLEM_LIST_LIMIT of each list, and how many there are in all.
    overdue_deliverables: list[Deliverable]
    overdue_deliverable_total: int
    overdue_followups: list[dict]
    merchants_lost: list[StageChange]
    merchants_lost_total: int
    low_admission: list[EmployerLine]

    @property
    def overdue_followup_total(self) -> int:
        return sum(row["n"] for row in self.overdue_followups)

    @property
    def any(self) -> bool:
        return bool(self.overdue_deliverables or self.overdue_followups or self.merchants_lost or self.low_admission)


@dataclass
class WorkSummary:
    semester: Semester
    words: SemesterSummary | None
    overview: Overview
    events: list[EventLine]
    employers: list[EmployerLine]
    training: list
    meetings: list
    shares: list[ExperienceShare]
    top_members: list
    highlights: list[Highlight]
    problems: Problems
    charts: dict[str, str]

    @property
    def foreword(self) -> str:
        return self.words.foreword if self.words else ""

    @property
    def closing(self) -> str:
        return self.words.closing if self.words else ""


def _event_lines(semester: Semester) -> list[EventLine]:
    """Each event with its sponsors, money and fulfilment: five queries for any number of events."""
    events = list(_semester_events(semester).select_related("owner").order_by("starts_on", "pk"))
    lines = {event.pk: EventLine(event=event) for event in events}
    signed = Contract.objects.filter(event__in=events, status__in=SIGNED_STATUSES)
    for contract in signed.select_related("merchant").order_by("signed_on", "pk"):
        lines[contract.event_id].sponsors.append(contract)
    money = (
        Payment.objects.filter(contract__in=signed)
        .values("contract__event_id")
        .annotate(received=Sum("received_amount", filter=Q(received_on__isnull=False)), promised=Sum("amount"))
    )
    for row in money:
        line = lines[row["contract__event_id"]]
        line.cash_received, line.cash_promised = row["received"] or ZERO, row["promised"] or ZERO
    in_kind = ContractInKind.objects.filter(contract__in=signed).values("contract__event_id").annotate(v=Sum("value"))
    for row in in_kind:
        lines[row["contract__event_id"]].in_kind = row["v"] or ZERO
    today = timezone.localdate()
    fulfilment = (
        Deliverable.objects.filter(contract__in=signed)
        .values("contract__event_id")
        .annotate(
            total=Count("pk"),
            verified=Count("pk", filter=Q(status=DeliverableStatus.VERIFIED)),
            overdue=Count("pk", filter=Q(status=DeliverableStatus.OPEN, due_on__lt=today)),
        )
    )
    for row in fulfilment:
        line = lines[row["contract__event_id"]]
        line.deliverables, line.verified, line.overdue = row["total"], row["verified"], row["overdue"]
    return list(lines.values())


def _employer_lines(semester: Semester) -> list[EmployerLine]:
    """Part-time jobs per employer with the admission rate: two queries."""
    postings = Posting.objects.filter(work_start__range=(semester.start_date, semester.end_date)).exclude(
        status=PostingStatus.DRAFT
    )
    headcounts = dict(postings.values("merchant_id").annotate(n=Sum("headcount")).values_list("merchant_id", "n"))
    rows = (
        postings.values("merchant_id", "merchant__name")
        .annotate(
            postings=Count("pk", distinct=True),
            applied=Count("applications", distinct=True),
            sent=Count("applications", filter=Q(applications__sent_at__isnull=False), distinct=True),
            hired=Count("applications", filter=Q(applications__outcome=Outcome.HIRED), distinct=True),
        )
        .order_by("merchant__name")
    )
    return [
        EmployerLine(
            merchant_id=row["merchant_id"],
            name=row["merchant__name"],
            postings=row["postings"],
            headcount=headcounts.get(row["merchant_id"], 0) or 0,
            applied=row["applied"],
            sent=row["sent"],
            hired=row["hired"],
        )
        for row in rows
    ]


def _semester_shares(semester: Semester):
    """Shares told at the semester's meetings, or written down during it (as scoring counts them)."""
    start, end = semester.start_date, semester.end_date
    return ExperienceShare.objects.filter(
        Q(meeting__date__range=(start, end)) | Q(meeting__isnull=True, created_at__range=_bounds(start, end))
    )


def _best_shares(semester: Semester) -> list[ExperienceShare]:
    """The semester's best experience shares: those about a merchant that went on to sign
    first (the lessons that worked), then the newest."""
    signed = Contract.objects.filter(merchant=OuterRef("merchant"), status__in=SIGNED_STATUSES)
    return list(
        _semester_shares(semester)
        .select_related("member", "merchant", "meeting")
        .annotate(merchant_signed=Exists(signed))
        .order_by("-merchant_signed", "-created_at", "-pk")[:BEST_SHARES]
    )


def _member_scores(semester: Semester) -> tuple[list, list[Highlight]]:
    counts = scoring.metric_counts(semester.start_date, semester.end_date, HIGHLIGHT_METRICS)
    members = list(queries.members_for_scoring())
    cards = scoring.score_cards(semester, members, counts=counts)
    by_id = {member.pk: member for member in members}
    highlights = []
    for code, per_member in counts.items():
        leaders = [(n, pk) for pk, n in per_member.items() if pk in by_id and n]
        if leaders:
            n, pk = max(leaders, key=lambda item: (item[0], -item[1]))
            highlights.append(Highlight(label=scoring.metric_label(code), member=by_id[pk], count=n))
    return cards, highlights


def _problems(semester: Semester, employers: list[EmployerLine]) -> Problems:
    """What is still open: overdue deliverables and follow-ups due in the semester, merchants
    lost during it, employers with a low admission rate. Five queries."""
    start = semester.start_date
    last_day = min(timezone.localdate() - timedelta(days=1), semester.end_date)
    overdue = (
        Deliverable.objects.filter(status=DeliverableStatus.OPEN, due_on__range=(start, last_day))
        .exclude(contract__status=ContractStatus.TERMINATED)
        .select_related("contract__merchant", "contract__event", "owner", "clause")
        .order_by("due_on", "pk")
    )
    followups = list(
        FollowUp.objects.open()
        .filter(due_on__range=(start, last_day))
        .values("owner_id", "owner__display_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner__display_name")
    )
    lost = (
        StageChange.objects.filter(to_stage=Stage.LOST, created_at__range=_bounds(start, semester.end_date))
        .select_related("merchant", "changed_by")
        .order_by("created_at", "pk")
    )
    return Problems(
        overdue_deliverables=list(overdue[:PROBLEM_LIST_LIMIT]),
        overdue_deliverable_total=overdue.count(),
        overdue_followups=followups,
        merchants_lost=list(lost[:PROBLEM_LIST_LIMIT]),
        merchants_lost_total=lost.values("merchant").distinct().count(),
        low_admission=[line for line in employers if line.is_low],
    )


def _overview(semester, events, employers, training, meetings, shares_count, merchants_lost) -> Overview:
    start, end = semester.start_date, semester.end_date
    live = [line for line in events if line.event.status != EventStatus.CANCELLED]
    contracts = Contract.objects.filter(signed_on__range=(start, end), status__in=SIGNED_STATUSES).count()
    visits = Visit.objects.filter(visited_at__range=_bounds(start, end)).count()
    signed = (
        StageChange.objects.filter(to_stage=Stage.SIGNED, created_at__range=_bounds(start, end))
        .values("merchant")
        .distinct()
        .count()
    )
    return Overview(
        events=len(live),
        contracts_signed=contracts,
        cash_received=sum((line.cash_received for line in events), ZERO),
        cash_promised=sum((line.cash_promised for line in events), ZERO),
        in_kind=sum((line.in_kind for line in events), ZERO),
        target=sum((line.event.sponsorship_target for line in live), ZERO),
        visits=visits,
        merchants_signed=signed,
        merchants_lost=merchants_lost,
        postings=sum(line.postings for line in employers),
        applications=sum(line.applied for line in employers),
        sent=sum(line.sent for line in employers),
        hired=sum(line.hired for line in employers),
        training_sessions=len(training),
        meetings=len(meetings),
        shares=shares_count,
    )


def _charts(events: list[EventLine], employers: list[EmployerLine], cards: list) -> dict[str, str]:
    money = [
        Bar(
            label=line.event.title,
            value=line.raised,
            total=line.event.sponsorship_target,
            text=f"{format_cny(line.raised)} / {format_cny(line.event.sponsorship_target)}",
        )
        for line in events
        if line.raised or line.event.sponsorship_target
    ]
    rates = [
        Bar(
            label=line.name,
            value=line.hired,
            total=line.sent,
            text=f"{line.hired}/{line.sent} · {line.admission_rate:.0%}",
        )
        for line in employers
        if line.sent
    ]
    scores = [
        Bar(label=card.member.display_name, value=max(card.total, ZERO), text=f"{card.total.normalize():f}")
        for card in cards[:10]
    ]
    return {
        "money": bar_chart_svg(money, title=_("各活动赞助到账（现金＋实物）与目标")),
        "admission": bar_chart_svg(rates, title=_("各用人单位录用人数与推荐复试人数")),
        "scores": bar_chart_svg(scores, title=_("部员量化评分（前十名）")),
    }


def semester_summary(semester: Semester) -> WorkSummary:
    """The whole semester work summary, from the record: a fixed number of queries."""
    words = SemesterSummary.objects.filter(semester=semester).select_related("updated_by").first()
    events = _event_lines(semester)
    employers = _employer_lines(semester)
    training = list(queries.training_sessions_for_list(semester).order_by("date", "pk"))
    meetings = list(queries.meetings_for_list(semester).order_by("date", "pk"))
    shares = _best_shares(semester)
    cards, highlights = _member_scores(semester)
    problems = _problems(semester, employers)
    shares_count = _semester_shares(semester).count()
    for session in training:
        counted = session.present + session.late + session.absent
        session.attendance_percent = round(100 * (session.present + session.late) / counted) if counted else None
    overview = _overview(semester, events, employers, training, meetings, shares_count, problems.merchants_lost_total)
    return WorkSummary(
        semester=semester,
        words=words,
        overview=overview,
        events=events,
        employers=employers,
        training=training,
        meetings=meetings,
        shares=shares,
        top_members=cards[:TOP_MEMBERS],
        highlights=highlights,
        problems=problems,
        charts=_charts(events, employers, cards),
    )
