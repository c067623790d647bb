"""The minister's figures for a semester, one function per dashboard panel.

Each function takes a Semester and returns plain dataclasses (numbers, names, ids for links),
made by a fixed number of aggregate queries whatever the size of the record. The semester
summary uses the same functions. "Signed", "overdue" and "waiting" are the lists' own
definitions (events.queries, jobs.filters), so a figure and the list it opens count alike.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Sum, Value, When
from django.db.models.functions import TruncWeek
from django.utils import timezone

from events import queries as event_queries
from events.models import (
    SIGNED_STATUSES,
    Contract,
    ContractInKind,
    ContractStatus,
    Deliverable,
    DeliverableStatus,
    Event,
)
from jobs.models import Application, Outcome, Posting, Screening, admission_rate
from sponsors.models import FollowUp, Merchant, Stage, StageChange, Visit

from ..listing import in_few
from ..models import AttendanceStatus, MeetingAttendance, Member, Semester, TrainingAttendance
from ..text import in_language
from . import scoring
from .queries import members_for_scoring

ZERO = Decimal("0")
PIPELINE = [Stage.PROSPECT, Stage.CONTACTED, Stage.NEGOTIATING, Stage.SIGNED, Stage.PARTNER]
STALE_DAYS = 30


def previous_semester(semester: Semester) -> Semester | None:
    return Semester.objects.filter(end_date__lt=semester.start_date).order_by("-end_date").first()


def _reference_day(semester: Semester) -> date:
    """Today for the running semester, its last day for a past one."""
    return min(timezone.localdate(), semester.end_date)


def _span(semester: Semester) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(semester.start_date, time.min))
    end = timezone.make_aware(datetime.combine(semester.end_date + timedelta(days=1), time.min))
    return start, end


# --- Money


@dataclass
class MoneyRow:
    label: str
    pk: int | None
    target: Decimal = ZERO
    contracted: Decimal = ZERO
    received: Decimal = ZERO
    in_kind: Decimal = ZERO
    contracts: int = 0

    @property
    def raised(self) -> Decimal:
        return self.received + self.in_kind

    @property
    def percent(self) -> int | None:
        return int(self.raised * 100 / self.target) if self.target else None


@dataclass
class Money:
    total: MoneyRow
    by_event: list[MoneyRow]
    by_industry: list[MoneyRow]
    overdue_count: int
    overdue_amount: Decimal


def money(semester: Semester) -> Money:
    """Signed contracts of the semester's events (by event start date): cash contracted and
    received, in-kind value, against the events' targets. Five queries."""
    span = (semester.start_date, semester.end_date)
    signed = Contract.objects.filter(status__in=SIGNED_STATUSES, event__starts_on__range=span)
    events = {
        e.pk: MoneyRow(label=e.title, pk=e.pk, target=e.sponsorship_target)
        for e in Event.objects.filter(starts_on__range=span).order_by("starts_on", "pk")
    }
    industries: dict[int | None, MoneyRow] = {}

    def industry_row(pk, name, name_en) -> MoneyRow:
        return industries.setdefault(pk, MoneyRow(label=in_language(name or "", name_en or ""), pk=pk))

    for row in (
        signed.order_by()
        .values("event_id", "merchant__industry_id", "merchant__industry__name", "merchant__industry__name_en")
        .annotate(cash=Sum("cash_amount"), n=Count("pk"))
    ):
        for target in (
            events[row["event_id"]],
            industry_row(
                row["merchant__industry_id"], row["merchant__industry__name"], row["merchant__industry__name_en"]
            ),
        ):
            target.contracted += row["cash"] or ZERO
            target.contracts += row["n"]
    payments = event_queries.payments_for_list().filter(contract__event__starts_on__range=span)
    for row in (
        payments.filter(received_on__isnull=False)
        .order_by()
        .values(
            "contract__event_id",
            "contract__merchant__industry_id",
            "contract__merchant__industry__name",
            "contract__merchant__industry__name_en",
        )
        .annotate(total=Sum("received_amount"))
    ):
        events[row["contract__event_id"]].received += row["total"] or ZERO
        industry_row(
            row["contract__merchant__industry_id"],
            row["contract__merchant__industry__name"],
            row["contract__merchant__industry__name_en"],
        ).received += row["total"] or ZERO
    for row in (
        ContractInKind.objects.filter(contract__in=signed)
        .order_by()
        .values(
            "contract__event_id",
            "contract__merchant__industry_id",
            "contract__merchant__industry__name",
            "contract__merchant__industry__name_en",
        )
        .annotate(total=Sum("value"))
    ):
        events[row["contract__event_id"]].in_kind += row["total"] or ZERO
        industry_row(
            row["contract__merchant__industry_id"],
            row["contract__merchant__industry__name"],
            row["contract__merchant__industry__name_en"],
        ).in_kind += row["total"] or ZERO
    overdue = event_queries.payments_overdue(payments).aggregate(n=Count("pk"), total=Sum("amount"))
    total = MoneyRow(label="", pk=None)
    for row in events.values():
        total.target += row.target
        total.contracted += row.contracted
        total.received += row.received
        total.in_kind += row.in_kind
        total.contracts += row.contracts
    return Money(
        total=total,
        by_event=list(events.values()),
        by_industry=sorted(industries.values(), key=lambda r: (-r.contracted, r.label)),
        overdue_count=overdue["n"],
        overdue_amount=overdue["total"] or ZERO,
    )


# --- Pipeline


@dataclass
class Pipeline:
    per_stage: dict[str, int]
    moves: list[tuple[str, str, int]]
    moves_total: int
    lost: list[dict]
    wavering: list[dict]


def _stage_rank(field_name: str):
    return Case(
        *[When(**{field_name: stage}, then=Value(rank)) for rank, stage in enumerate(PIPELINE)],
        default=Value(-1),
        output_field=IntegerField(),
    )


def pipeline(semester: Semester) -> Pipeline:
    """Merchants per stage now, moves between stages in the semester, merchants lost (with the
    reason given) and merchants that went back two or more times (商家反复不定). Four queries."""
    start, end = _span(semester)
    per_stage = dict.fromkeys(Stage.values, 0)
    for row in Merchant.objects.order_by().values("stage").annotate(n=Count("pk")):
        per_stage[row["stage"]] = row["n"]
    changes = StageChange.objects.filter(created_at__gte=start, created_at__lt=end)
    moves = [
        (row["from_stage"], row["to_stage"], row["n"])
        for row in changes.order_by().values("from_stage", "to_stage").annotate(n=Count("pk")).order_by("-n")
    ]
    lost = list(
        changes.filter(to_stage=Stage.LOST)
        .order_by("-created_at")
        .values("merchant_id", "merchant__name", "reason", "created_at")
    )
    backwards = (
        changes.exclude(from_stage="")
        .annotate(from_rank=_stage_rank("from_stage"), to_rank=_stage_rank("to_stage"))
        .filter(from_rank__gte=0, to_rank__gte=0, to_rank__lt=F("from_rank"))
    )
    wavering = list(
        backwards.order_by()
        .values("merchant_id", "merchant__name")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .order_by("-n", "merchant__name")
    )
    return Pipeline(
        per_stage=per_stage, moves=moves, moves_total=sum(n for _f, _t, n in moves), lost=lost, wavering=wavering
    )


# --- Activity


@dataclass
class Activity:
    weeks: list[date]
    members: list[Member]
    heat: dict[int, dict[date, int]]
    visits_total: int
    stale: dict[str, int]
    overdue_followups: list[dict]
    overdue_followups_total: int
    heat_max: int = 0


def activity(semester: Semester) -> Activity:
    """Visits per member per week, merchants in negotiation or partners not visited for 30 days,
    overdue follow-ups per member. Four queries."""
    start, end = _span(semester)
    day = _reference_day(semester)
    first = semester.start_date - timedelta(days=semester.start_date.weekday())
    weeks = []
    while first <= day:
        weeks.append(first)
        first += timedelta(days=7)
    members = list(members_for_scoring())
    heat: dict[int, dict[date, int]] = {m.pk: dict.fromkeys(weeks, 0) for m in members}
    rows = (
        Visit.members.through.objects.filter(visit__visited_at__gte=start, visit__visited_at__lt=end)
        .annotate(week=TruncWeek("visit__visited_at"))
        .values("member_id", "week")
        .annotate(n=Count("visit_id"))
    )
    heat_max = 0
    for row in rows:
        week = row["week"].date() if isinstance(row["week"], datetime) else row["week"]
        if row["member_id"] in heat and week in heat[row["member_id"]]:
            heat[row["member_id"]][week] = row["n"]
            heat_max = max(heat_max, row["n"])
    visits_total = Visit.objects.filter(visited_at__gte=start, visited_at__lt=end).count()
    since = timezone.now() - timedelta(days=STALE_DAYS)
    # Not visited since: no visit on or after `since` (the merchant list's "not visited for
    # 30 days", whose last visit is before it or missing), by the (merchant, visited_at) index.
    recent = Visit.objects.filter(merchant=OuterRef("pk"), visited_at__gte=since)
    stale_rows = (
        Merchant.objects.filter(stage__in=[Stage.NEGOTIATING, Stage.PARTNER])
        .filter(~Exists(recent))
        .order_by()
        .values("stage")
        .annotate(n=Count("pk"))
    )
    stale = {Stage.NEGOTIATING.value: 0, Stage.PARTNER.value: 0}
    stale.update({row["stage"]: row["n"] for row in stale_rows})
    overdue = list(
        FollowUp.objects.open()
        .filter(due_on__lt=timezone.localdate())
        .order_by()
        .values("owner_id", "owner__display_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner__display_name")
    )
    return Activity(
        weeks=weeks,
        members=members,
        heat=heat,
        heat_max=heat_max,
        visits_total=visits_total,
        stale=stale,
        overdue_followups=overdue,
        overdue_followups_total=sum(row["n"] for row in overdue),
    )


# --- Fulfilment


@dataclass
class Fulfilment:
    per_contract: list[dict]
    total: dict[str, int]
    waiting: list[dict]


def fulfilment(semester: Semester) -> Fulfilment:
    """Deliverables due in the semester per contract (done / due / overdue), and contracts
    waiting for approval or the advisor's sign-off with how long they have waited. Two queries."""
    today = timezone.localdate()
    done = ~Q(status=DeliverableStatus.OPEN)
    per_contract = list(
        Deliverable.objects.filter(due_on__range=(semester.start_date, semester.end_date))
        .order_by()
        .values("contract_id", "contract__number", "contract__merchant__name")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=done),
            due=Count("pk", filter=Q(status=DeliverableStatus.OPEN)),
            overdue=Count("pk", filter=Q(status=DeliverableStatus.OPEN, due_on__lt=today)),
        )
        .order_by("-overdue", "contract__number")
    )
    total = {key: sum(row[key] for row in per_contract) for key in ("total", "done", "due", "overdue")}
    threshold = event_queries.signoff_threshold()
    now = timezone.now()
    waiting = []
    for contract in event_queries.contracts_for_list().filter(status=ContractStatus.SUBMITTED).order_by("pk"):
        needs_advisor = contract.cash_amount + contract.in_kind_total > threshold
        since = contract.submitted_at or contract.updated_at
        waiting.append(
            {
                "pk": contract.pk,
                "number": contract.number,
                "merchant": contract.merchant.name,
                "event": contract.event.title,
                "needs_minister": contract.approved_by_id is None,
                "needs_advisor": needs_advisor and contract.advisor_signed_off_by_id is None,
                "since": since,
                "days": (now - since).days,
            }
        )
    waiting.sort(key=lambda row: row["since"])
    return Fulfilment(per_contract=per_contract, total=total, waiting=waiting)


# --- Jobs


@dataclass
class Jobs:
    postings: list[dict]
    employers: list[dict]
    total: dict[str, int]
    students_placed: int
    warn_below: float

    @property
    def warn_below_text(self) -> str:
        return f"{self.warn_below:.0%}"


FUNNEL = {
    "applied": Count("pk"),
    "passed": Count("pk", filter=Q(screening=Screening.PASSED)),
    "sent": Count("pk", filter=Q(sent_at__isnull=False)),
    "hired": Count("pk", filter=Q(outcome=Outcome.HIRED)),
}


def jobs(semester: Semester) -> Jobs:
    """The funnel per posting and per employer (postings whose work starts in the semester),
    the admission rate per employer against the warning threshold, students placed. Three queries."""
    span = (semester.start_date, semester.end_date)
    semester_postings = list(
        Posting.objects.filter(work_start__range=span).select_related("merchant").order_by("work_start", "pk")
    )
    # By the postings' ids, not a join on their dates: the database then reads the semester's
    # applications by the posting index instead of scanning ten years of them. (No posting:
    # an id no row has, so that a quiet semester asks the same queries as a busy one.)
    ids = [p.pk for p in semester_postings] or [0]
    applications = Application.objects.filter(posting_id__in=ids).order_by()
    counted = {row["posting_id"]: row for row in applications.values("posting_id").annotate(**FUNNEL)}
    postings = []
    for posting in semester_postings:
        row = counted.get(posting.pk, dict.fromkeys(FUNNEL, 0))
        postings.append(
            {
                "pk": posting.pk,
                "title": posting.title,
                "merchant": posting.merchant.name,
                "merchant_pk": posting.merchant_id,
                **{key: row[key] for key in FUNNEL},
                "rate": admission_rate(row["hired"], row["sent"]),
            }
        )
    warn_below = settings.JOBS_ADMISSION_WARN_BELOW
    # Per employer: the sums of its postings' rows (the funnel's counts add up), for the
    # employers with at least one application, by name.
    by_employer: dict[int, dict] = {}
    for p in postings:
        if p["pk"] not in counted:
            continue
        row = by_employer.setdefault(
            p["merchant_pk"], {"pk": p["merchant_pk"], "name": p["merchant"], **dict.fromkeys(FUNNEL, 0)}
        )
        for key in FUNNEL:
            row[key] += p[key]
    employers = []
    for row in sorted(by_employer.values(), key=lambda r: (r["name"], r["pk"])):
        rate = admission_rate(row["hired"], row["sent"])
        employers.append({**row, "rate": rate, "warn": rate is not None and rate < warn_below})
    total = {key: sum(p[key] for p in postings) for key in FUNNEL}
    placed = applications.filter(outcome=Outcome.HIRED).values("student_number").distinct().count()
    return Jobs(postings=postings, employers=employers, total=total, students_placed=placed, warn_below=warn_below)


# --- The team


@dataclass
class Team:
    training: dict[str, int]
    meetings: dict[str, int]
    per_member: list[dict]
    ranking: list = field(default_factory=list)

    @staticmethod
    def rate(counts: dict[str, int]) -> float | None:
        """Present or late over everything recorded (an excused absence still counts as recorded)."""
        recorded = sum(counts.values())
        return (
            (counts.get(AttendanceStatus.PRESENT, 0) + counts.get(AttendanceStatus.LATE, 0)) / recorded
            if recorded
            else None
        )

    @property
    def training_rate(self) -> float | None:
        return self.rate(self.training)

    @property
    def meeting_rate(self) -> float | None:
        return self.rate(self.meetings)


def team(semester: Semester) -> Team:
    """Training and meeting attendance (by status, and per member) and the score ranking.
    Two attendance queries, plus the ranking's own fixed number (one per score rule)."""
    span = (semester.start_date, semester.end_date)
    members = list(members_for_scoring())
    per_member = {
        m.pk: {
            "member": m,
            "training": dict.fromkeys(AttendanceStatus.values, 0),
            "meetings": dict.fromkeys(AttendanceStatus.values, 0),
        }
        for m in members
    }
    totals = {
        "training": dict.fromkeys(AttendanceStatus.values, 0),
        "meetings": dict.fromkeys(AttendanceStatus.values, 0),
    }
    for key, model, date_field in (
        ("training", TrainingAttendance, "session__date"),
        ("meetings", MeetingAttendance, "meeting__date"),
    ):
        for row in (
            model.objects.filter(**{f"{date_field}__range": span})
            .order_by()
            .values("member_id", "status")
            .annotate(n=Count("pk"))
        ):
            totals[key][row["status"]] += row["n"]
            if row["member_id"] in per_member:
                per_member[row["member_id"]][key][row["status"]] = row["n"]
    rows = []
    for entry in per_member.values():
        entry["training_rate"] = Team.rate(entry["training"])
        entry["meeting_rate"] = Team.rate(entry["meetings"])
        rows.append(entry)
    ranking = scoring.score_cards(semester, members)
    return Team(training=totals["training"], meetings=totals["meetings"], per_member=rows, ranking=ranking)


# --- Everything, for the dashboard and the summary


@dataclass
class Figures:
    semester: Semester
    money: Money
    pipeline: Pipeline
    activity: Activity
    fulfilment: Fulfilment
    jobs: Jobs
    team: Team
    computed_at: datetime = field(default_factory=timezone.now)


def all_figures(semester: Semester) -> Figures:
    return Figures(
        semester=semester,
        money=money(semester),
        pipeline=pipeline(semester),
        activity=activity(semester),
        fulfilment=fulfilment(semester),
        jobs=jobs(semester),
        team=team(semester),
    )


@dataclass
class KeyFigures:
    """The few numbers every member sees (an officer's home page, the top of the dashboard)."""

    target: Decimal
    raised: Decimal
    contracts: int
    visits: int
    hired: int
    overdue_deliverables: int


def key_figures(semester: Semester) -> KeyFigures:
    m = money(semester)
    start, end = _span(semester)
    return KeyFigures(
        target=m.total.target,
        raised=m.total.raised,
        contracts=m.total.contracts,
        visits=Visit.objects.filter(visited_at__gte=start, visited_at__lt=end).count(),
        # The semester's few postings, then their applications by the posting index.
        hired=Application.objects.filter(
            in_few(
                "posting_id",
                Posting.objects.filter(work_start__range=(semester.start_date, semester.end_date)).values("pk"),
            ),
            outcome=Outcome.HIRED,
        ).count(),
        overdue_deliverables=Deliverable.objects.filter(due_on__range=(semester.start_date, semester.end_date))
        .overdue()
        .count(),
    )
