"""Writes for the department's own record (issue 6). Reads live in queries."""

import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .. import contributions, roles
from ..locking import save_changed
from ..messages import Lines, Message
from ..models import (
    Assignment,
    AttendanceStatus,
    Candidate,
    CandidateStatus,
    DepartmentProfile,
    ExperienceShare,
    Meeting,
    MeetingAttendance,
    Member,
    ReminderKind,
    ScoreAdjustment,
    ScoreRule,
    Semester,
    SemesterSummary,
    Submission,
    Team,
    TrainingAttendance,
    TrainingSession,
)
from ..reminders import Reminders, in_department_language, rule_for
from ..roles import Role
from ..services import member_create, member_set_role, notifications_resolve, notify

# --- Semesters


def semester_default_for(day: date) -> tuple[str, date, date]:
    """The usual calendar: autumn term September-January, spring term February-August."""
    if day.month >= 9:
        return _("%(year)d 秋季学期") % {"year": day.year}, date(day.year, 9, 1), date(day.year + 1, 1, 31)
    if day.month == 1:
        return _("%(year)d 秋季学期") % {"year": day.year - 1}, date(day.year - 1, 9, 1), date(day.year, 1, 31)
    return _("%(year)d 春季学期") % {"year": day.year}, date(day.year, 2, 1), date(day.year, 8, 31)


def semester_create(*, name: str, start_date: date, end_date: date) -> Semester:
    semester = Semester(name=name, start_date=start_date, end_date=end_date)
    semester.full_clean()
    overlapping = Semester.objects.filter(start_date__lte=end_date, end_date__gte=start_date)
    if overlapping.exists():
        raise ValidationError(_("与已有学期“%(name)s”的日期重叠。") % {"name": overlapping.first().name})
    semester.save()
    return semester


def semester_current() -> Semester:
    """The semester of today; the first visit of a new term creates it from the usual calendar."""
    today = timezone.localdate()
    semester = Semester.objects.for_date(today)
    if semester is None:
        name, start, end = semester_default_for(today)
        semester, _created = Semester.objects.get_or_create(name=name, defaults={"start_date": start, "end_date": end})
    return semester


# --- Members


def team_create(*, name: str, direction: str = "", description: str = "") -> Team:
    team = Team(name=name, direction=direction, description=description)
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def member_update(
    *, member: Member, role: str, team: Team | None, direction: str, is_active: bool, by: Member
) -> Member:
    if member.pk == by.pk and role != Role.MINISTER:
        raise ValidationError(_("部长不能撤销自己的部长角色；请由新部长操作或在换届时交接。"))
    member.team = team
    member.direction = direction
    member.is_active = is_active
    member.full_clean()
    member.save()
    member_set_role(member=member, role=role)
    if member.user.is_active != is_active:
        member.user.is_active = is_active
        member.user.save(update_fields=["is_active"])
    return member


# --- Recruitment


def candidate_create(
    *,
    name: str,
    student_number: str = "",
    class_major: str = "",
    mobile: str = "",
    email: str = "",
    direction: str = "",
    motivation: str = "",
) -> Candidate:
    candidate = Candidate(
        name=name,
        student_number=student_number,
        class_major=class_major,
        mobile=mobile,
        email=email,
        direction=direction,
        motivation=motivation,
    )
    candidate.full_clean()
    candidate.save()
    return candidate


@transaction.atomic
def candidate_record_interview(
    *,
    candidate: Candidate,
    interview_at: datetime | None,
    interviewers: list[Member],
    score_communication: int | None,
    score_initiative: int | None,
    score_teamwork: int | None,
    interview_notes: str,
) -> Candidate:
    if candidate.status in (CandidateStatus.ACCEPTED, CandidateStatus.REJECTED):
        raise ValidationError(_("已做出录取决定，面试记录不能再修改。"))
    for score in (score_communication, score_initiative, score_teamwork):
        if score is not None and not 0 <= score <= 10:
            raise ValidationError(_("面试评分为 0 到 10 分。"))
    candidate.interview_at = interview_at
    candidate.score_communication = score_communication
    candidate.score_initiative = score_initiative
    candidate.score_teamwork = score_teamwork
    candidate.interview_notes = interview_notes
    if any(s is not None for s in (score_communication, score_initiative, score_teamwork)):
        candidate.status = CandidateStatus.INTERVIEWED
    candidate.full_clean()
    candidate.save()
    candidate.interviewers.set(interviewers)
    return candidate


def _unique_username(wanted: str) -> str:
    User = get_user_model()
    username, n = wanted, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{wanted}{n}"
    return username


@transaction.atomic
def candidate_accept(
    *, candidate: Candidate, by: Member, username: str, password: str = "", team: Team | None = None
) -> tuple[Candidate, str]:
    """Admit the candidate as an officer; returns the candidate and the initial password.

    The password is generated when the minister does not type one, and is shown once:
    only its hash is kept.
    """
    if candidate.status == CandidateStatus.ACCEPTED:
        raise ValidationError(_("该候选人已录取。"))
    if get_user_model().objects.filter(username=username).exists():
        raise ValidationError({"username": _("用户名“%(username)s”已被使用。") % {"username": username}})
    if password:
        # The same rules as a member's own password change (AUTH_PASSWORD_VALIDATORS).
        account = get_user_model()(username=username, email=candidate.email, first_name=candidate.name)
        try:
            password_validation.validate_password(password, user=account)
        except ValidationError as exc:
            raise ValidationError({"password": exc.error_list}) from exc
    password = password or secrets.token_urlsafe(9)
    member = member_create(
        username=username,
        display_name=candidate.name,
        role=Role.OFFICER,
        password=password,
        email=candidate.email,
        team=team,
        direction=candidate.direction,
        student_number=candidate.student_number,
        class_major=candidate.class_major,
        mobile=candidate.mobile,
    )
    candidate.member = member
    candidate.status = CandidateStatus.ACCEPTED
    candidate.decided_by = by
    candidate.decided_at = timezone.now()
    candidate.full_clean()
    candidate.save()
    return candidate, password


def candidate_reject(*, candidate: Candidate, by: Member) -> Candidate:
    if candidate.status == CandidateStatus.ACCEPTED:
        raise ValidationError(_("该候选人已录取，不能再改为未录取。"))
    candidate.status = CandidateStatus.REJECTED
    candidate.decided_by = by
    candidate.decided_at = timezone.now()
    candidate.save()
    return candidate


# --- Training and meetings


def training_session_create(
    *,
    title: str,
    date: date,
    kind: str,
    place: str = "",
    speaker: str = "",
    description: str = "",
    materials: UploadedFile | None = None,
) -> TrainingSession:
    session = TrainingSession(title=title, date=date, kind=kind, place=place, speaker=speaker, description=description)
    if materials:
        session.materials = materials
    session.full_clean()
    session.save()
    return session


def meeting_create(*, title: str, date: date, place: str = "", minutes: str = "") -> Meeting:
    meeting = Meeting(title=title, date=date, place=place, minutes=minutes)
    meeting.full_clean()
    meeting.save()
    return meeting


def meeting_update_minutes(*, meeting: Meeting, minutes: str) -> Meeting:
    meeting.minutes = minutes
    meeting.save(update_fields=["minutes", "updated_at"])
    return meeting


@transaction.atomic
def attendance_record(*, event: TrainingSession | Meeting, statuses: dict[int, str]) -> int:
    """Set each member's attendance at a training session or meeting; returns how many rows."""
    model, key = (
        (TrainingAttendance, "session") if isinstance(event, TrainingSession) else (MeetingAttendance, "meeting")
    )
    valid = set(AttendanceStatus.values)
    count = 0
    for member_id, status in statuses.items():
        if status not in valid:
            raise ValidationError(_("无效的出勤状态。"))
        model.objects.update_or_create(**{key: event, "member_id": member_id}, defaults={"status": status})
        count += 1
    return count


def experience_share_create(
    *,
    member: Member,
    topic: str,
    lesson: str,
    meeting: Meeting | None = None,
    what_happened: str = "",
    merchant=None,
    visit=None,
    tags: str = "",
) -> ExperienceShare:
    share = ExperienceShare(
        member=member,
        topic=topic,
        lesson=lesson,
        meeting=meeting,
        what_happened=what_happened,
        merchant=merchant,
        tags=" ".join(t for t in tags.replace(",", " ").replace("，", " ").split() if t),
    )
    if visit is not None:
        share.visit = visit
        share.merchant = share.merchant or visit.merchant
    share.full_clean()
    share.save()
    return share


# --- Assignments


def assignment_create(
    *, title: str, due_date: date, created_by: Member, description: str = "", max_score: int = 100
) -> Assignment:
    assignment = Assignment(
        title=title, due_date=due_date, created_by=created_by, description=description, max_score=max_score
    )
    assignment.full_clean()
    assignment.save()
    for member in Member.objects.active().with_role(Role.OFFICER).select_related("user"):
        notify(
            recipient=member,
            key=f"assignment:{assignment.pk}",
            title=Message(gettext_noop("新作业：%(title)s"), {"title": title}),
            body=Message(gettext_noop("截止日期 %(due)s"), {"due": due_date}),
            url=assignment.get_absolute_url(),
            topic=assignment_topic(assignment),
        )
    return assignment


def submission_save(
    *, assignment: Assignment, member: Member, text: str = "", file: UploadedFile | None = None
) -> Submission:
    if not text.strip() and not file:
        raise ValidationError(_("请填写内容或上传附件。"))
    submission = Submission.objects.filter(assignment=assignment, member=member).first()
    if submission is None:
        submission = Submission(assignment=assignment, member=member)
    elif submission.reviewed_at:
        raise ValidationError(_("作业已批阅，不能再修改。"))
    submission.text = text
    if file:
        submission.file = file
    submission.submitted_on = timezone.localdate()
    submission.full_clean()
    submission.save()
    notifications_resolve(topic=assignment_topic(assignment), recipients=[member])
    return submission


def submission_review(*, submission: Submission, score: int, comment: str, by: Member) -> Submission:
    if not 0 <= score <= submission.assignment.max_score:
        raise ValidationError({"score": _("得分应在 0 到 %(max)d 之间。") % {"max": submission.assignment.max_score}})
    submission.score = score
    submission.comment = comment
    submission.reviewed_by = by
    submission.reviewed_at = timezone.now()
    submission.full_clean()
    submission.save()
    notify(
        recipient=submission.member,
        key=f"submission-reviewed:{submission.pk}",
        title=Message(gettext_noop("作业已批阅：%(title)s"), {"title": submission.assignment.title}),
        body=Message(gettext_noop("得分 %(score)d"), {"score": score}),
        url=submission.assignment.get_absolute_url(),
    )
    return submission


# --- Scores


def score_rule_save(
    *, metric: str, points: Decimal, active: bool = True, note: str = "", rule: ScoreRule | None = None
) -> ScoreRule:
    rule = rule or ScoreRule()
    if note != rule.note:
        rule.note_en = ""  # the English said what the old note said
    rule.metric = metric
    rule.points = points
    rule.active = active
    rule.note = note
    rule.full_clean()
    rule.save()
    return rule


def score_adjustment_create(
    *, semester: Semester, member: Member, points: Decimal, reason: str, by: Member
) -> ScoreAdjustment:
    if not reason.strip():
        raise ValidationError({"reason": _("手动加减分必须填写原因。")})
    if points == 0:
        raise ValidationError({"points": _("加减分不能为 0。")})
    adjustment = ScoreAdjustment(semester=semester, member=member, points=points, reason=reason, created_by=by)
    adjustment.full_clean()
    adjustment.save()
    return adjustment


# --- Handover


@transaction.atomic
def handover_run(*, from_member: Member, to_member: Member, by: Member) -> dict[str, int]:
    """Move everything the leaving member looks after to their successor, in one
    transaction (all or nothing), then retire the leaving member and their login."""
    if not roles.is_minister(by.user):
        raise PermissionDenied(_("只有部长可以办理换届交接。"))
    if from_member.pk == to_member.pk:
        raise ValidationError(_("交接双方不能是同一个人。"))
    if not to_member.is_active or not to_member.user.is_active:
        raise ValidationError(_("接手人必须是在任部员。"))
    moved = {code: handover.transfer(from_member, to_member) for code, handover in contributions.HANDOVERS.items()}
    from_member.is_active = False
    from_member.save(update_fields=["is_active", "updated_at"])
    from_member.user.is_active = False
    from_member.user.save(update_fields=["is_active"])
    notify(
        recipient=to_member,
        key=f"handover:{from_member.pk}:{to_member.pk}",
        title=Message(gettext_noop("你接手了%(name)s的工作"), {"name": from_member.display_name}),
        body=Lines(
            *(
                Message(gettext_noop("%(what)s：%(count)d"), {"what": contributions.HANDOVERS[c].label, "count": n})
                for c, n in moved.items()
            )
        ),
        url=from_member.get_absolute_url(),
    )
    return moved


# --- Reminders (run daily by outreach.department.tasks.send_department_reminders)


def assignment_topic(assignment: Assignment) -> str:
    return f"assignment:{assignment.pk}"


@in_department_language
def assignment_reminders_send(*, today: date | None = None) -> int:
    """An assignment due within the rule's days: the officers who have not submitted hear it."""
    today = today or timezone.localdate()
    rule = rule_for(ReminderKind.ASSIGNMENT_DUE)
    batch = Reminders()
    officers = list(Member.objects.active().with_role(Role.OFFICER).select_related("user"))
    assignments = Assignment.objects.filter(due_date__gte=today, due_date__lte=today + timedelta(days=rule.days))
    for assignment in assignments.prefetch_related("submissions"):
        submitted = {submission.member_id for submission in assignment.submissions.all()}
        batch.add(
            rule,
            responsible=[member for member in officers if member.pk not in submitted],
            key=f"assignment-due:{assignment.pk}:{assignment.due_date.isoformat()}",
            topic=assignment_topic(assignment),
            title=Message(
                gettext_noop("作业将于 %(date)s 截止：%(title)s"),
                {"date": assignment.due_date, "title": assignment.title},
            ),
            body=Message(
                gettext_noop("你还没有提交“%(title)s”。请在截止日期 %(date)s 前提交文字或附件。"),
                {"title": assignment.title, "date": assignment.due_date},
            ),
            url=assignment.get_absolute_url(),
        )
    return batch.send()


def _gathering_body(day: date, place: str, speaker: str = "") -> Lines:
    return Lines(
        Message(gettext_noop("日期：%(date)s"), {"date": day}),
        Message(gettext_noop("地点：%(place)s"), {"place": place or "—"}),
        Message(gettext_noop("主讲人：%(speaker)s"), {"speaker": speaker}) if speaker else None,
        Message(gettext_noop("请准时参加；不能参加请提前向部长请假。")),
    )


@in_department_language
def gathering_reminders_send(*, today: date | None = None) -> int:
    """A training session or a meeting in the rule's days (tomorrow): the members expected hear it.
    Reminders of gatherings already past are resolved: they describe nothing any more."""
    today = today or timezone.localdate()
    rule = rule_for(ReminderKind.GATHERING)
    day = today + timedelta(days=rule.days)
    batch = Reminders()
    officers = list(Member.objects.active().with_role(Role.OFFICER).select_related("user"))
    everyone = list(
        Member.objects.active().with_role(Role.OFFICER, Role.VICE_MINISTER, Role.MINISTER).select_related("user")
    )
    for session in TrainingSession.objects.filter(date=day):
        batch.add(
            rule,
            responsible=officers,
            key=f"training:{session.pk}:{session.date.isoformat()}",
            topic=f"training:{session.pk}",
            title=Message(
                gettext_noop("培训提醒：%(title)s（%(date)s）"),
                {"title": session.title, "date": session.date},
            ),
            body=_gathering_body(session.date, session.place, speaker=session.speaker or "—"),
            url=session.get_absolute_url(),
        )
    for meeting in Meeting.objects.filter(date=day):
        batch.add(
            rule,
            responsible=everyone,
            key=f"meeting:{meeting.pk}:{meeting.date.isoformat()}",
            topic=f"meeting:{meeting.pk}",
            title=Message(
                gettext_noop("例会提醒：%(title)s（%(date)s）"),
                {"title": meeting.title, "date": meeting.date},
            ),
            body=_gathering_body(meeting.date, meeting.place),
            url=meeting.get_absolute_url(),
        )
    recent = today - timedelta(days=30)
    past = [
        f"training:{pk}"
        for pk in TrainingSession.objects.filter(date__gte=recent, date__lt=today).values_list("pk", flat=True)
    ]
    past += [
        f"meeting:{pk}" for pk in Meeting.objects.filter(date__gte=recent, date__lt=today).values_list("pk", flat=True)
    ]
    if past:
        notifications_resolve(topic=past)
    return batch.send()


@transaction.atomic
def reminder_rules_save(*, rule_forms, chat_form) -> int:
    """The minister's reminder settings: every rule form and the group chat, all or nothing."""
    changed = 0
    for form in rule_forms:
        if form.has_changed():
            rule = form.save(commit=False)
            rule.full_clean()
            rule.save()
            changed += 1
    if chat_form.has_changed():
        chat = chat_form.save(commit=False)
        chat.full_clean()
        chat.save()
        changed += 1
    return changed


# --- Semester work summary


def semester_summary_save(*, semester: Semester, foreword: str, closing: str, by: Member) -> SemesterSummary:
    """The minister writes the summary's foreword and closing words; everyone else reads them."""
    if not roles.is_minister(by.user):
        raise PermissionDenied(_("只有部长可以撰写学期工作总结的前言和结束语。"))
    summary = SemesterSummary.objects.filter(semester=semester).first() or SemesterSummary(semester=semester)
    summary.foreword = foreword.strip()
    summary.closing = closing.strip()
    summary.updated_by = by
    summary.full_clean()
    summary.save()
    return summary


# --- The department's settings (what every contract prints of the union's side)


@transaction.atomic
def department_profile_save(*, fields: dict, expected_version: int | None) -> DepartmentProfile:
    """Save the changed settings if nobody saved since `expected_version`; the first save
    creates the one row (two first saves at once: the second is refused as stale)."""
    from ..locking import StaleObjectError

    profile = DepartmentProfile.objects.filter(pk=1).first()
    if profile is None:
        if expected_version not in (None, 1):
            raise StaleObjectError()
        profile = DepartmentProfile(pk=1, **fields)
        profile.full_clean()
        try:
            with transaction.atomic():
                profile.save(force_insert=True)
        except IntegrityError:
            raise StaleObjectError() from None
        return profile
    changed = [name for name, value in fields.items() if getattr(profile, name) != value]
    for name in changed:
        setattr(profile, name, fields[name])
    profile.full_clean()
    if changed:
        save_changed(profile, fields=changed, expected_version=expected_version)
    return profile
