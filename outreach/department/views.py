"""The department's pages (issue 6): members, recruitment, training, meetings, experience
library, assignments, scores, handover and inter-school."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import datachange, roles
from ..locking import StaleObjectError, stale_changes
from ..models import (
    Assignment,
    Candidate,
    DepartmentProfile,
    GroupChat,
    Meeting,
    Member,
    Notification,
    ReminderRule,
    ScoreRule,
    Semester,
    Submission,
    Team,
    TrainingSession,
)
from ..pdf import pdf_response, render_pdf
from . import my_day, queries, scoring, services, summary
from .forms import (
    AcceptForm,
    AssignmentForm,
    AttendanceForm,
    CandidateForm,
    DepartmentProfileForm,
    ExperienceShareForm,
    GroupChatForm,
    HandoverForm,
    InterviewForm,
    MeetingForm,
    MemberEditForm,
    MinutesForm,
    ReminderRuleForm,
    ReviewForm,
    ScoreAdjustmentForm,
    ScoreRuleForm,
    SemesterForm,
    SemesterSummaryForm,
    SubmissionForm,
    TeamForm,
    TrainingSessionForm,
)
from .permissions import (
    get_member_for_score,
    may_read_summary,
    may_see_score_of,
    require_leader,
    require_member,
    require_minister,
    require_summary_reader,
    require_writer,
)


def _form_error(form, exc: ValidationError) -> None:
    try:
        form.add_error(None, exc)
    except (ValueError, AttributeError):
        form.add_error(None, exc.messages)


def _semester(request: HttpRequest) -> Semester:
    pk = request.GET.get("semester")
    if pk and pk.isdigit():
        return get_object_or_404(Semester, pk=pk)
    return services.semester_current()


# --- Members


@require_http_methods(["GET", "POST"])
def member_list(request: HttpRequest) -> HttpResponse:
    require_member(request)
    team_form = TeamForm(request.POST or None)
    if request.method == "POST":
        require_minister(request)
        if team_form.is_valid():
            try:
                services.team_create(**team_form.cleaned_data)
            except ValidationError as exc:
                _form_error(team_form, exc)
            else:
                messages.success(request, _("小组已创建。"))
                return redirect("outreach:member-list")
    context = {
        "page_obj": queries.members_for_list(request.GET.get("page")),
        "teams": Team.objects.all(),
        "team_form": team_form,
    }
    return render(request, "outreach/member_list.html", context)


@require_GET
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    member = get_object_or_404(Member.objects.select_related("user", "team"), pk=pk)
    semester = _semester(request)
    context = {
        "member": member,
        "semester": semester,
        "semesters": Semester.objects.all(),
        "record": queries.member_semester(member, semester),
        "may_see_score": may_see_score_of(request, member),
    }
    return render(request, "outreach/member_detail.html", context)


@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    me = require_minister(request)
    member = get_object_or_404(Member.objects.select_related("user", "team"), pk=pk)
    initial = {
        "role": roles.primary_role(member.user),
        "team": member.team,
        "direction": member.direction,
        "is_active": member.is_active,
    }
    form = MemberEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(member=member, by=me, **form.cleaned_data)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("已更新%(name)s的角色与小组。") % {"name": member.display_name})
            return redirect(member)
    return render(request, "outreach/member_edit.html", {"form": form, "member": member})


# --- Semesters


@require_http_methods(["GET", "POST"])
def semester_list(request: HttpRequest) -> HttpResponse:
    require_member(request)
    form = SemesterForm(request.POST or None)
    if request.method == "POST":
        require_minister(request)
        if form.is_valid():
            try:
                services.semester_create(**form.cleaned_data)
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("学期已创建。"))
                return redirect("outreach:semester-list")
    context = {"semesters": Semester.objects.all(), "current": services.semester_current(), "form": form}
    return render(request, "outreach/semester_list.html", context)


# --- Recruitment


@require_http_methods(["GET", "POST"])
def candidate_list(request: HttpRequest) -> HttpResponse:
    require_member(request)
    form = CandidateForm(request.POST or None)
    if request.method == "POST":
        require_leader(request)
        if form.is_valid():
            try:
                candidate = services.candidate_create(**form.cleaned_data)
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("已登记候选人。"))
                return redirect(candidate)
    return render(request, "outreach/candidate_list.html", {"candidates": queries.candidates_for_list(), "form": form})


def _get_candidate(pk: int) -> Candidate:
    return get_object_or_404(Candidate.objects.select_related("member__user", "decided_by"), pk=pk)


@require_GET
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    candidate = _get_candidate(pk)
    context = {
        "candidate": candidate,
        "interview_form": InterviewForm(instance=candidate),
        "accept_form": AcceptForm(initial={"username": candidate.student_number or ""}),
        "initial_password": request.session.pop(f"candidate-password-{candidate.pk}", None),
    }
    return render(request, "outreach/candidate_detail.html", context)


@require_POST
def candidate_interview(request: HttpRequest, pk: int) -> HttpResponse:
    require_leader(request)
    candidate = _get_candidate(pk)
    form = InterviewForm(request.POST, instance=candidate)
    if form.is_valid():
        try:
            services.candidate_record_interview(candidate=candidate, **form.cleaned_data)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("面试记录已保存。"))
            return redirect(candidate)
    candidate.refresh_from_db()
    context = {"candidate": candidate, "interview_form": form, "accept_form": AcceptForm()}
    return render(request, "outreach/candidate_detail.html", context, status=400)


@require_POST
def candidate_accept(request: HttpRequest, pk: int) -> HttpResponse:
    me = require_minister(request)
    candidate = _get_candidate(pk)
    form = AcceptForm(request.POST)
    if form.is_valid():
        try:
            candidate, password = services.candidate_accept(candidate=candidate, by=me, **form.cleaned_data)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            # Shown once on the next page, then gone: only its hash is stored.
            request.session[f"candidate-password-{candidate.pk}"] = password
            messages.success(request, _("已录取，干事账号已创建。"))
            return redirect(candidate)
    context = {"candidate": candidate, "interview_form": InterviewForm(instance=candidate), "accept_form": form}
    return render(request, "outreach/candidate_detail.html", context, status=400)


@require_POST
def candidate_reject(request: HttpRequest, pk: int) -> HttpResponse:
    me = require_minister(request)
    candidate = _get_candidate(pk)
    try:
        services.candidate_reject(candidate=candidate, by=me)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已标记为未录取。"))
    return redirect(candidate)


# --- Training


@require_GET
def training_list(request: HttpRequest) -> HttpResponse:
    require_member(request)
    semester = _semester(request)
    context = {"sessions": queries.training_sessions_for_list(semester), "semester": semester}
    return render(request, "outreach/training_list.html", context)


@require_http_methods(["GET", "POST"])
def training_create(request: HttpRequest) -> HttpResponse:
    require_leader(request)
    form = TrainingSessionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.training_session_create(**form.cleaned_data)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            return redirect(session)
    return render(request, "outreach/trainingsession_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    session = get_object_or_404(TrainingSession, pk=pk)
    form = AttendanceForm(request.POST or None, rows=queries.attendance_rows(session))
    if request.method == "POST":
        require_leader(request)
        if form.is_valid():
            services.attendance_record(event=session, statuses=form.statuses())
            messages.success(request, _("出勤已保存。"))
            return redirect(session)
    return render(request, "outreach/trainingsession_detail.html", {"session": session, "form": form})


# --- Meetings and experience shares


@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    require_member(request)
    semester = _semester(request)
    context = {"meetings": queries.meetings_for_list(semester), "semester": semester}
    return render(request, "outreach/meeting_list.html", context)


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    require_leader(request)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(**form.cleaned_data)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            return redirect(meeting)
    return render(request, "outreach/meeting_form.html", {"form": form})


def _share_form(request: HttpRequest, data=None) -> ExperienceShareForm:
    if roles.is_leader(request.user):
        form = ExperienceShareForm(data, member_choices=Member.objects.active().order_by("display_name"))
    else:
        form = ExperienceShareForm(data, member_choices=Member.objects.filter(pk=request.member.pk))
    form.fields["member"].initial = request.member.pk
    visit_id = request.GET.get("visit", "")
    if data is None and visit_id.isdigit():
        # "Share this" on an agenda candidate: start from the lesson logged on the visit.
        visit = form.fields["visit"].queryset.filter(pk=visit_id).first()
        if visit is not None:
            form.initial.update(
                {"visit": visit.pk, "merchant": visit.merchant_id, "lesson": visit.lesson, "topic": visit.merchant.name}
            )
            form.fields["visit"].widget.known = visit
            form.fields["merchant"].widget.known = visit.merchant
    return form


MEETING_SHARES_PAGE = 20


def _meeting_context(request, meeting, **forms) -> dict:
    shares = queries.meeting_shares_page(meeting, request.GET.get("page"), MEETING_SHARES_PAGE)
    others = request.GET.copy()
    others.pop("page", None)
    return {
        "meeting": meeting,
        "shares": shares,
        "page_obj": shares,
        "query_string": others.urlencode(),
        "agenda": queries.agenda_candidates(meeting),
        "attendance_form": forms.get("attendance_form") or AttendanceForm(rows=queries.attendance_rows(meeting)),
        "minutes_form": forms.get("minutes_form") or MinutesForm(initial={"minutes": meeting.minutes}),
        "share_form": forms.get("share_form") or _share_form(request),
    }


@require_http_methods(["GET", "POST"])
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    meeting = get_object_or_404(Meeting, pk=pk)
    if request.method == "POST":
        require_leader(request)
        attendance_form = AttendanceForm(request.POST, rows=queries.attendance_rows(meeting))
        minutes_form = MinutesForm(request.POST)
        if attendance_form.is_valid() and minutes_form.is_valid():
            services.meeting_update_minutes(meeting=meeting, minutes=minutes_form.cleaned_data["minutes"])
            services.attendance_record(event=meeting, statuses=attendance_form.statuses())
            messages.success(request, _("纪要与出勤已保存。"))
            return redirect(meeting)
        context = _meeting_context(request, meeting, attendance_form=attendance_form, minutes_form=minutes_form)
        return render(request, "outreach/meeting_detail.html", context, status=400)
    return render(request, "outreach/meeting_detail.html", _meeting_context(request, meeting))


@require_POST
def meeting_share_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_writer(request)
    meeting = get_object_or_404(Meeting, pk=pk)
    form = _share_form(request, request.POST)
    if form.is_valid():
        try:
            services.experience_share_create(meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("经验分享已记录。"))
            return redirect(meeting)
    return render(
        request, "outreach/meeting_detail.html", _meeting_context(request, meeting, share_form=form), status=400
    )


@require_GET
def experience_list(request: HttpRequest) -> HttpResponse:
    require_member(request)
    query = request.GET.get("q", "").strip()
    tag = request.GET.get("tag", "").strip()
    page = Paginator(queries.shares_for_library(query, tag), 20).get_page(request.GET.get("page"))
    return render(request, "outreach/experienceshare_list.html", {"page_obj": page, "q": query, "tag": tag})


# --- Assignments


@require_http_methods(["GET", "POST"])
def assignment_list(request: HttpRequest) -> HttpResponse:
    require_member(request)
    form = AssignmentForm(request.POST or None)
    if request.method == "POST":
        me = require_minister(request)
        if form.is_valid():
            try:
                assignment = services.assignment_create(created_by=me, **form.cleaned_data)
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                return redirect(assignment)
    context = {"assignments": queries.assignments_for_list(), "form": form}
    return render(request, "outreach/assignment_list.html", context)


@require_http_methods(["GET", "POST"])
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    me = require_member(request)
    assignment = get_object_or_404(Assignment.objects.select_related("created_by"), pk=pk)
    mine = Submission.objects.filter(assignment=assignment, member=me).first()
    form = SubmissionForm(request.POST or None, request.FILES or None, initial={"text": mine.text if mine else ""})
    if request.method == "POST":
        require_writer(request)
        if form.is_valid():
            try:
                services.submission_save(assignment=assignment, member=me, **form.cleaned_data)
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("作业已提交。"))
                return redirect(assignment)
    context = {
        "assignment": assignment,
        "status": queries.assignment_status(assignment),
        "mine": mine,
        "form": form,
        "review_form": ReviewForm(),
    }
    return render(request, "outreach/assignment_detail.html", context)


@require_POST
def submission_review(request: HttpRequest, pk: int) -> HttpResponse:
    me = require_minister(request)
    submission = get_object_or_404(Submission.objects.select_related("assignment", "member__user"), pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.submission_review(submission=submission, by=me, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已批阅。"))
    else:
        messages.error(request, _("请填写有效的得分。"))
    return redirect(submission.assignment)


# --- Scores


@require_GET
def score_ranking(request: HttpRequest) -> HttpResponse:
    require_member(request)
    semester = _semester(request)
    cards = scoring.score_cards(semester, queries.members_for_scoring())
    context = {
        "semester": semester,
        "semesters": Semester.objects.all(),
        "cards": cards,
        "adjustment_form": ScoreAdjustmentForm(members=queries.members_for_scoring()),
    }
    return render(request, "outreach/score_ranking.html", context)


@require_GET
def score_breakdown(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_member_for_score(request, pk)
    semester = _semester(request)
    card = scoring.score_cards(semester, [member])[0]
    context = {"member": member, "semester": semester, "semesters": Semester.objects.all(), "card": card}
    return render(request, "outreach/score_breakdown.html", context)


@require_POST
def score_adjustment_create(request: HttpRequest) -> HttpResponse:
    me = require_minister(request)
    semester = _semester(request)
    form = ScoreAdjustmentForm(request.POST, members=queries.members_for_scoring())
    if form.is_valid():
        try:
            services.score_adjustment_create(semester=semester, by=me, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已记录手动加减分。"))
    else:
        messages.error(request, _("请选择部员并填写分值和原因。"))
    return redirect(f"{reverse('outreach:score-ranking')}?semester={semester.pk}")


@require_http_methods(["GET", "POST"])
def score_rule_list(request: HttpRequest) -> HttpResponse:
    require_member(request)
    rule = None
    if request.GET.get("edit", "").isdigit():
        rule = get_object_or_404(ScoreRule, pk=request.GET["edit"])
    form = ScoreRuleForm(request.POST or None, instance=rule)
    if request.method == "POST":
        require_minister(request)
        if form.is_valid():
            try:
                services.score_rule_save(rule=rule, **form.cleaned_data)
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("评分规则已保存。"))
                return redirect("outreach:score-rules")
    rules = [
        (r, scoring.metric_label(r.metric), r.metric in scoring.METRICS) for r in ScoreRule.objects.order_by("metric")
    ]
    return render(request, "outreach/scorerule_list.html", {"rules": rules, "form": form, "editing": rule})


@require_http_methods(["GET", "POST"])
def reminder_settings(request: HttpRequest) -> HttpResponse:
    """The minister sets, per kind of reminder, how many days and who hears it; and the group chat."""
    require_minister(request, _("只有部长可以修改提醒设置。"))
    data = request.POST or None
    rule_forms = [
        ReminderRuleForm(data, instance=rule, prefix=rule.kind) for rule in ReminderRule.objects.for_settings_page()
    ]
    chat_form = GroupChatForm(data, instance=GroupChat.current(), prefix="chat")
    if request.method == "POST" and chat_form.is_valid() and all(form.is_valid() for form in rule_forms):
        services.reminder_rules_save(rule_forms=rule_forms, chat_form=chat_form)
        messages.success(request, _("提醒设置已保存。"))
        return redirect("outreach:reminder-settings")
    return render(request, "outreach/reminderrule_list.html", {"rule_forms": rule_forms, "chat_form": chat_form})


@require_http_methods(["GET", "POST"])
def department_profile(request: HttpRequest) -> HttpResponse:
    """The minister sets, once, what every contract prints of the union's side."""
    require_minister(request, _("只有部长可以修改部门设置。"))
    profile = DepartmentProfile.current()
    form = DepartmentProfileForm(request.POST or None, instance=profile)
    changes = []
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        try:
            services.department_profile_save(fields=fields, expected_version=form.expected_version)
        except StaleObjectError:
            if profile.pk and DepartmentProfile.objects.filter(pk=profile.pk).exists():
                changes = stale_changes(form, profile, expected_version=form.expected_version)
            else:
                form.add_error(None, StaleObjectError())
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("部门设置已保存，之后打印的合同将使用这些信息。"))
            return redirect("outreach:department-profile")
    return render(
        request, "outreach/departmentprofile_form.html", {"form": form, "profile": profile, "stale_changes": changes}
    )


# --- Handover and inter-school


@require_http_methods(["GET", "POST"])
def handover(request: HttpRequest) -> HttpResponse:
    me = require_minister(request)
    form = HandoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.handover_run(
                from_member=form.cleaned_data["from_member"], to_member=form.cleaned_data["to_member"], by=me
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, str(exc) if isinstance(exc, PermissionDenied) else exc.messages)
        else:
            summary = ", ".join(f"{scoring_label}: {n}" for scoring_label, n in _handover_labels(moved)) or _(
                "没有需要交接的事项"
            )
            messages.success(request, _("交接完成：%(summary)s。") % {"summary": summary})
            return redirect(form.cleaned_data["to_member"])
    from ..contributions import HANDOVERS

    return render(request, "outreach/handover_form.html", {"form": form, "handovers": HANDOVERS.values()})


def _handover_labels(moved: dict[str, int]):
    from ..contributions import HANDOVERS

    return [(str(HANDOVERS[code].label), n) for code, n in moved.items()]


@require_GET
def interschool(request: HttpRequest) -> HttpResponse:
    require_member(request)
    return render(request, "outreach/interschool_list.html", {"organisations": queries.student_organisations()})


# --- Home ("my day") and the semester work summary


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    member = require_member(request)
    context = {
        "member": member,
        "day": my_day.my_day(member, services.semester_current()),
        "recent_notifications": Notification.objects.for_member(member).unread()[:5],
        "may_read_summary": may_read_summary(request.user),
    }
    return render(request, "outreach/home.html", context)


SUMMARY_CACHE_SECONDS = 300


def _summary_cached(kind: str, semester: Semester, compute):
    """The summary is computed from the whole record: cached under the record's generation
    (a change anywhere gives a new key), today and the language."""
    key = f"summary:{kind}:{semester.pk}:{timezone.localdate().isoformat()}:{get_language()}"
    return datachange.remember(key, compute, SUMMARY_CACHE_SECONDS)[0]


def _work_summary(semester: Semester) -> summary.WorkSummary:
    return _summary_cached("work", semester, lambda: summary.semester_summary(semester))


def _summary_context(request: HttpRequest, semester: Semester, form: SemesterSummaryForm | None = None) -> dict:
    # The page keeps the summary's body as rendered (the PDF's own body, the costliest part).
    def page():
        work = _work_summary(semester)
        return render_to_string("outreach/_semester_summary_body.html", {"work": work}), work.words

    body, words = _summary_cached("page", semester, page)
    if form is None:
        form = SemesterSummaryForm(
            initial={"foreword": words.foreword if words else "", "closing": words.closing if words else ""}
        )
    return {
        "semester": semester,
        "semesters": Semester.objects.all(),
        "summary_body": body,
        "words": words,
        "form": form,
        "may_edit": roles.is_minister(request.user),
    }


@require_http_methods(["GET", "POST"])
def semester_summary(request: HttpRequest) -> HttpResponse:
    require_summary_reader(request)
    semester = _semester(request)
    if request.method == "POST":
        me = require_minister(request, _("只有部长可以撰写学期工作总结的前言和结束语。"))
        form = SemesterSummaryForm(request.POST)
        if form.is_valid():
            try:
                services.semester_summary_save(semester=semester, by=me, **form.cleaned_data)
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("前言和结束语已保存。"))
                return redirect(f"{reverse('outreach:semester-summary')}?semester={semester.pk}")
        return render(request, "outreach/semester_summary.html", _summary_context(request, semester, form), status=400)
    return render(request, "outreach/semester_summary.html", _summary_context(request, semester))


@require_GET
def semester_summary_pdf(request: HttpRequest) -> HttpResponse:
    require_summary_reader(request)
    semester = _semester(request)

    def printed() -> bytes:
        context = {
            "semester": semester,
            "work": _work_summary(semester),
            "union_name": settings.UNION_NAME,
            "department_name": settings.DEPARTMENT_NAME,
        }
        return render_pdf("outreach/pdf/semester_summary.html", context)

    pdf = _summary_cached("pdf", semester, printed)
    return pdf_response(pdf, _("%(semester)s工作总结.pdf") % {"semester": semester.name})
