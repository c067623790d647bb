"""Quantified scores (量化评分): points per member and semester, from the registered metrics.

A score is never stored: it is computed from the record by the active ScoreRules, plus the
minister's manual adjustments, so changing a rule changes every score at once. Each rule is
one metric query for the whole department, so a ranking costs the same for 5 or 50 members.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from .. import datachange
from ..contributions import METRICS, Metric, register_metric
from ..days import day_start

# Bounds how long a change that sends no signal (a queryset .update()) leaves a count behind.
METRIC_COUNTS_CACHE_SECONDS = 300

# --- The department's own metrics, registered in OutreachConfig.ready()


def _attendance_counter(model, date_field: str, status: str):
    def count(start: date, end: date) -> dict[int, int]:
        rows = (
            model.objects.filter(status=status, **{f"{date_field}__range": (start, end)})
            .values("member_id")
            .annotate(n=Count("id"))
        )
        return {row["member_id"]: row["n"] for row in rows}

    return count


def _shares(start: date, end: date) -> dict[int, int]:
    from ..models import ExperienceShare

    rows = (
        ExperienceShare.objects.filter(
            Q(meeting__date__range=(start, end))
            | Q(
                meeting__isnull=True,
                created_at__gte=day_start(start),
                created_at__lt=day_start(end + timedelta(days=1)),
            )
        )
        .values("member_id")
        .annotate(n=Count("id"))
    )
    return {row["member_id"]: row["n"] for row in rows}


def _submissions(start: date, end: date) -> dict[int, int]:
    from ..models import Submission

    rows = (
        Submission.objects.filter(assignment__due_date__range=(start, end)).values("member_id").annotate(n=Count("id"))
    )
    return {row["member_id"]: row["n"] for row in rows}


def _submissions_late(start: date, end: date) -> dict[int, int]:
    from django.db.models import F

    from ..models import Submission

    rows = (
        Submission.objects.filter(assignment__due_date__range=(start, end), submitted_on__gt=F("assignment__due_date"))
        .values("member_id")
        .annotate(n=Count("id"))
    )
    return {row["member_id"]: row["n"] for row in rows}


def _assignment_points(start: date, end: date) -> dict[int, int]:
    from ..models import Submission

    rows = (
        Submission.objects.filter(assignment__due_date__range=(start, end), score__isnull=False)
        .values("member_id")
        .annotate(n=Sum("score"))
    )
    return {row["member_id"]: row["n"] or 0 for row in rows}


def register_department_metrics() -> None:
    from ..models import AttendanceStatus, MeetingAttendance, TrainingAttendance

    for status, code, label in [
        (AttendanceStatus.PRESENT, "training_present", _("培训出席")),
        (AttendanceStatus.LATE, "training_late", _("培训迟到")),
        (AttendanceStatus.EXCUSED, "training_excused", _("培训请假")),
        (AttendanceStatus.ABSENT, "training_absent", _("培训缺席")),
    ]:
        register_metric(Metric(code, label, _attendance_counter(TrainingAttendance, "session__date", status)))
    for status, code, label in [
        (AttendanceStatus.PRESENT, "meeting_present", _("例会出席")),
        (AttendanceStatus.LATE, "meeting_late", _("例会迟到")),
        (AttendanceStatus.EXCUSED, "meeting_excused", _("例会请假")),
        (AttendanceStatus.ABSENT, "meeting_absent", _("例会缺席")),
    ]:
        register_metric(Metric(code, label, _attendance_counter(MeetingAttendance, "meeting__date", status)))
    register_metric(Metric("experience_shared", _("经验分享"), _shares))
    register_metric(Metric("assignment_submitted", _("提交作业"), _submissions))
    register_metric(Metric("assignment_late", _("作业逾期提交"), _submissions_late))
    register_metric(Metric("assignment_score", _("作业得分"), _assignment_points))


# --- Computing scores


@dataclass
class ScoreLine:
    """One rule's contribution to one member's score."""

    metric: str
    label: str
    registered: bool
    count: int
    points_per_unit: Decimal
    points: Decimal


@dataclass
class ScoreCard:
    member: object
    lines: list[ScoreLine] = field(default_factory=list)
    adjustments: list = field(default_factory=list)
    rank: int = 0

    @property
    def rule_points(self) -> Decimal:
        return sum((line.points for line in self.lines), Decimal("0"))

    @property
    def adjustment_points(self) -> Decimal:
        return sum((a.points for a in self.adjustments), Decimal("0"))

    @property
    def total(self) -> Decimal:
        return self.rule_points + self.adjustment_points


def metric_label(code: str) -> str:
    metric = METRICS.get(code)
    return str(metric.label) if metric else code


def metric_counts(start: date, end: date, codes=None) -> dict[str, dict[int, int]]:
    """{code: {member_id: n}} for the registered metrics (all, or those named).

    The same for every reader (each member's home ranks them against the whole department),
    so kept in the cache under the record's generation, which moves on with every change."""
    wanted = sorted(METRICS.keys() if codes is None else {c for c in codes if c in METRICS})
    if not wanted:
        return {}
    named = hashlib.sha256(",".join(wanted).encode()).hexdigest()[:16]
    return datachange.remember(
        f"scores:metric-counts:{start.isoformat()}:{end.isoformat()}:{named}",
        lambda: {code: METRICS[code].count(start, end) for code in wanted},
        METRIC_COUNTS_CACHE_SECONDS,
    )[0]


def score_cards(semester, members, counts: dict[str, dict[int, int]] | None = None) -> list[ScoreCard]:
    """Every member's score card for a semester, ranked, highest first.

    A rule whose metric no app registers scores 0 (and says so), rather than failing:
    the other apps may be installed later than the rule was written.
    """
    from ..models import ScoreAdjustment, ScoreRule

    members = list(members)
    rules = list(ScoreRule.objects.filter(active=True).order_by("metric"))
    # A caller that already counted some metrics for this semester passes them in.
    known = counts or {}
    missing = [r.metric for r in rules if r.metric not in known]
    counts = {**known, **metric_counts(semester.start_date, semester.end_date, missing)}
    adjustments: dict[int, list] = {}
    for adjustment in ScoreAdjustment.objects.filter(semester=semester, member__in=members).select_related(
        "created_by"
    ):
        adjustments.setdefault(adjustment.member_id, []).append(adjustment)

    labels = {rule.metric: metric_label(rule.metric) for rule in rules}  # once, not per member
    cards = []
    for member in members:
        card = ScoreCard(member=member, adjustments=adjustments.get(member.pk, []))
        for rule in rules:
            registered = rule.metric in counts
            n = counts.get(rule.metric, {}).get(member.pk, 0)
            card.lines.append(
                ScoreLine(
                    metric=rule.metric,
                    label=labels[rule.metric],
                    registered=registered,
                    count=n,
                    points_per_unit=rule.points,
                    points=(rule.points * n) if registered else Decimal("0"),
                )
            )
        cards.append(card)
    cards.sort(key=lambda c: (-c.total, c.member.display_name))
    previous, rank = None, 0
    for position, card in enumerate(cards, start=1):
        if card.total != previous:
            rank, previous = position, card.total
        card.rank = rank
    return cards
