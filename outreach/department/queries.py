"""Reads for the department's pages, each with a fixed number of queries."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet

from events.queries import joint_events_by_organisation
from sponsors.models import Merchant, MerchantKind, Visit

from ..contributions import METRICS
from ..days import day_start
from ..models import (
    Assignment,
    Candidate,
    ExperienceShare,
    Meeting,
    MeetingAttendance,
    Member,
    Semester,
    Submission,
    TrainingAttendance,
    TrainingSession,
)
from ..roles import Role
from . import scoring

# The numbers a member page shows, in this order, when the app that provides them is installed.
MEMBER_PAGE_METRICS = [
    "visit",
    "contract_signed",
    "deliverable_verified",
    "application_screened",
    "training_present",
    "training_late",
    "training_absent",
    "meeting_present",
    "meeting_absent",
    "experience_shared",
    "assignment_submitted",
]


MEMBERS_PER_PAGE = 50


def members_for_list(page_number) -> Page:
    """A page of the member list, those in office first: ten years of a department's members
    are thousands of rows."""
    page = Paginator(
        Member.objects.select_related("user", "team").order_by("-is_active", "team__name", "display_name", "pk"),
        MEMBERS_PER_PAGE,
    ).get_page(page_number)
    members = list(page.object_list.prefetch_related("user__groups"))
    for member in members:
        # Fill the role cache outreach.roles reads, from the prefetched groups.
        member.user._outreach_roles = frozenset(g.name for g in member.user.groups.all() if g.name in Role.values)
    page.object_list = members
    return page


def members_for_scoring() -> QuerySet[Member]:
    """Members who are scored: active officers, vice-ministers and ministers."""
    return (
        Member.objects.active()
        .with_role(Role.OFFICER, Role.VICE_MINISTER, Role.MINISTER)
        .select_related("user", "team")
        .order_by("display_name")
    )


@dataclass
class MemberSemester:
    numbers: list[tuple[str, str, int]]
    merchants_owned: int
    score: "scoring.ScoreCard"


def member_semester(member: Member, semester: Semester) -> MemberSemester:
    """What a member did this semester: one query per registered metric, the same for every member."""
    counts = scoring.metric_counts(semester.start_date, semester.end_date, MEMBER_PAGE_METRICS)
    numbers = [(code, str(METRICS[code].label), counts[code].get(member.pk, 0)) for code in counts]
    merchants_owned = member.owned_merchants.count()
    card = scoring.score_cards(semester, [member], counts=counts)[0]
    return MemberSemester(numbers=numbers, merchants_owned=merchants_owned, score=card)


def candidates_for_list() -> QuerySet[Candidate]:
    return Candidate.objects.select_related("member", "decided_by").prefetch_related("interviewers")


def training_sessions_for_list(semester: Semester | None = None) -> QuerySet[TrainingSession]:
    qs = TrainingSession.objects.annotate(
        present=Count("attendance", filter=Q(attendance__status="present")),
        late=Count("attendance", filter=Q(attendance__status="late")),
        absent=Count("attendance", filter=Q(attendance__status="absent")),
    )
    if semester is not None:
        qs = qs.filter(date__range=(semester.start_date, semester.end_date))
    return qs


def meetings_for_list(semester: Semester | None = None) -> QuerySet[Meeting]:
    qs = Meeting.objects.annotate(
        share_count=Count("shares", distinct=True),
        absent=Count("attendance", filter=Q(attendance__status="absent"), distinct=True),
    )
    if semester is not None:
        qs = qs.filter(date__range=(semester.start_date, semester.end_date))
    return qs


def attendance_rows(event: TrainingSession | Meeting) -> list[tuple[Member, str]]:
    """Each active member with their status at this event ('' when not recorded)."""
    model, key = (
        (TrainingAttendance, "session") if isinstance(event, TrainingSession) else (MeetingAttendance, "meeting")
    )
    recorded = dict(model.objects.filter(**{key: event}).values_list("member_id", "status"))
    # The advisor does not attend the department's own meetings and training.
    members = list(
        Member.objects.active()
        .with_role(Role.OFFICER, Role.VICE_MINISTER, Role.MINISTER)
        .select_related("team")
        .order_by("display_name")
    )
    # Members who have left still show if they were recorded.
    missing = set(recorded) - {m.pk for m in members}
    if missing:
        members += list(Member.objects.filter(pk__in=missing).select_related("team"))
    return [(m, recorded.get(m.pk, "")) for m in members]


def shares_for_library(query: str = "", tag: str = "") -> QuerySet[ExperienceShare]:
    qs = ExperienceShare.objects.select_related("member", "meeting", "merchant", "merchant__industry")
    if query:
        qs = qs.filter(
            Q(topic__icontains=query)
            | Q(what_happened__icontains=query)
            | Q(lesson__icontains=query)
            | Q(tags__icontains=query)
            | Q(merchant__name__icontains=query)
            | Q(merchant__industry__name__icontains=query)
            | Q(member__display_name__icontains=query)
        )
    if tag:
        qs = qs.filter(tags__icontains=tag)
    return qs.order_by("-created_at")


def meeting_shares_page(meeting: Meeting, number, per_page: int) -> Page:
    """A page of the meeting's shares, oldest first, with their member and merchant. The page's
    shares are picked among the meeting's alone, then read with their relations: sorting the
    joined rows for the page hash-joined every merchant (10 ms for a meeting of 700 shares)."""
    ordered = meeting.shares.order_by("created_at", "pk")
    page = Paginator(ordered.values_list("pk", flat=True), per_page).get_page(number)
    # Still one query: the page's slice of ids is a subquery of this one.
    page.object_list = ordered.filter(pk__in=page.object_list).select_related("member", "meeting", "merchant__industry")
    return page


def agenda_candidates(meeting: Meeting) -> list:
    """Lessons logged on visits since the meeting before this one, not yet shared at a meeting:
    candidates for this meeting's agenda."""

    previous = Meeting.objects.filter(date__lt=meeting.date).order_by("-date").values_list("date", flat=True).first()
    qs = Visit.objects.exclude(lesson="").filter(visited_at__lt=day_start(meeting.date + timedelta(days=1)))
    if previous:
        qs = qs.filter(visited_at__gte=day_start(previous + timedelta(days=1)))
    qs = qs.exclude(experience_shares__isnull=False)
    return list(qs.select_related("merchant").prefetch_related("members").order_by("visited_at")[:30])


@dataclass
class AssignmentStatus:
    submissions: list[Submission]
    missing: list[Member]


def assignment_status(assignment: Assignment) -> AssignmentStatus:
    submissions = list(assignment.submissions.select_related("member", "reviewed_by").order_by("member__display_name"))
    submitted = {s.member_id for s in submissions}
    missing = [
        m
        for m in Member.objects.active().with_role(Role.OFFICER).select_related("team").order_by("display_name")
        if m.pk not in submitted
    ]
    return AssignmentStatus(submissions=submissions, missing=missing)


def assignments_for_list() -> QuerySet[Assignment]:
    return Assignment.objects.select_related("created_by").annotate(
        submitted=Count("submissions", distinct=True),
        reviewed=Count("submissions", filter=Q(submissions__reviewed_at__isnull=False), distinct=True),
    )


def student_organisations() -> list[tuple[object, list]]:
    """Brother schools' student organisations with the joint events held with each."""
    orgs = list(Merchant.objects.filter(kind=MerchantKind.STUDENT_ORG).select_related("owner").order_by("name"))
    events = joint_events_by_organisation([org.pk for org in orgs])
    return [(org, list(events.get(org.pk, []))) for org in orgs]


def prefetch_member_roles() -> Prefetch:
    return Prefetch("user__groups")
