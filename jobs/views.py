from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from outreach.listing import paginate, render_list
from outreach.locking import StaleObjectError, posted_version, stale_changes
from outreach.pdf import pdf_response
from outreach.throttle import ratelimit

from . import exports, queries
from .filters import ApplicationFilter
from .forms import (
    ApplicationEditForm,
    ApplicationForm,
    OutcomeForm,
    PostingForm,
    RatingForm,
    ScreeningForm,
    SeasonFormSet,
)
from .models import Posting, Screening, Season, admission_rate
from .permissions import (
    StatusLinkGone,
    get_application_by_token,
    get_application_for_link_revoke,
    get_application_for_outcome,
    get_application_for_screening,
    get_posting_for_edit,
    get_posting_for_read,
    get_posting_for_screening,
    get_public_posting,
    require_leader,
    require_member,
    require_writer,
)
from .services import (
    AlreadyApplied,
    NeedsConfirmation,
    application_record_outcome,
    application_revoke_status_link,
    application_screen,
    application_status_token,
    application_submit,
    application_update,
    applications_send_to_interview,
    employer_rating_create,
    posting_refusal,
    posting_save,
    posting_set_status,
    seasons_save,
)


def _apply_rate(group, request) -> str:
    return settings.JOBS_APPLY_RATE


# --- Department pages


@require_GET
def posting_list(request: HttpRequest) -> HttpResponse:
    require_member(request)
    today = timezone.localdate()
    return render(
        request,
        "jobs/posting_list.html",
        {
            "postings": (pager := paginate(request, queries.postings_for_list()))["page_obj"],
            **pager,
            "coming": queries.season_calendar(today)[:2],
            "past_employers": queries.past_employers_to_contact(today),
        },
    )


@require_http_methods(["GET", "POST"])
def posting_create(request: HttpRequest) -> HttpResponse:
    require_leader(request)
    return _posting_form(request, Posting())


@require_http_methods(["GET", "POST"])
def posting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _posting_form(request, get_posting_for_edit(request, pk))


def _posting_form(request: HttpRequest, posting: Posting) -> HttpResponse:
    form = PostingForm(request.POST or None, instance=posting)
    changes = []
    if request.method == "POST" and form.is_valid():
        try:
            posting = posting_save(posting=form.instance, member=request.member, expected_version=form.expected_version)
        except StaleObjectError:
            changes = stale_changes(form, posting, expected_version=form.expected_version)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("岗位已保存。"))
            return redirect(posting)
    return render(request, "jobs/posting_form.html", {"form": form, "posting": posting, "stale_changes": changes})


@require_GET
def posting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    get_posting_for_read(request, pk)
    posting = queries.posting_for_detail(pk)
    public_url = request.build_absolute_uri(posting.get_public_url())
    return render(
        request,
        "jobs/posting_detail.html",
        {
            "posting": posting,
            "applications": (pager := paginate(request, queries.applications_for_posting(posting), 50))["page_obj"],
            **pager,
            "rate": admission_rate(posting.n_hired, posting.n_sent),
            "public_url": public_url,
            "qr": queries.qr_data_uri(public_url),
            "outcome_form": OutcomeForm(),
            "rating_form": RatingForm(),
        },
    )


@require_POST
def posting_status(request: HttpRequest, pk: int) -> HttpResponse:
    posting = get_posting_for_edit(request, pk)
    try:
        posting_set_status(
            posting=posting,
            status=request.POST.get("status", ""),
            member=request.member,
            expected_version=posted_version(request),
        )
    except (ValidationError, ValueError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [_("状态无效。")])))
    else:
        messages.success(request, _("岗位状态已更新为“%(status)s”。") % {"status": posting.get_status_display()})
    return redirect(posting)


@require_GET
def screening(request: HttpRequest, pk: int) -> HttpResponse:
    posting = get_posting_for_screening(request, pk)
    applications = queries.applications_for_posting(posting)
    show = request.GET.get("show", "pending")
    if show == "pending":
        applications = applications.filter(screening=Screening.PENDING)
    return render(
        request,
        "jobs/application_screening.html",
        {
            "posting": posting,
            "applications": (pager := paginate(request, applications))["page_obj"],
            **pager,
            "show": show,
        },
    )


@require_POST
def application_screen_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for_screening(request, pk)
    form = ScreeningForm(request.POST)
    if form.is_valid():
        try:
            application_screen(
                application=application,
                member=request.member,
                passed=form.cleaned_data["result"] == "passed",
                criteria_met=request.POST.getlist("criteria_met"),
                note=form.cleaned_data["note"],
                expected_version=posted_version(request),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(name)s：%(result)s") % {"name": application.name, "result": application.get_screening_display()},
            )
    else:
        messages.error(request, _("请选择初试结果。"))
    return redirect("jobs:screening", application.posting_id)


@require_POST
def send_to_interview(request: HttpRequest, pk: int) -> HttpResponse:
    posting = get_posting_for_edit(request, pk)
    ids = [int(i) for i in request.POST.getlist("application") if i.isdigit()]
    applications = list(posting.applications.filter(pk__in=ids))
    if not applications:
        messages.error(request, _("请至少选择一位初试通过的同学。"))
        return redirect(posting)
    try:
        count = applications_send_to_interview(
            posting=posting,
            applications=applications,
            member=request.member,
            confirmed=bool(request.POST.get("confirm")),
        )
    except NeedsConfirmation as need:
        return render(
            request,
            "jobs/interview_confirm.html",
            {"posting": posting, "applications": applications, "total": need.total, "limit": need.limit},
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(posting)
    messages.success(request, _("已推荐 %(count)d 位同学参加复试。") % {"count": count})
    return redirect(posting)


@require_POST
def application_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for_outcome(request, pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            application_record_outcome(
                application=application,
                outcome=form.cleaned_data["outcome"],
                worked=form.cleaned_data["worked"],
                feedback=form.cleaned_data["feedback"],
                expected_version=posted_version(request),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已记录 %(name)s 的复试结果。") % {"name": application.name})
    else:
        messages.error(request, _("请选择复试结果。"))
    return redirect(application.posting)


@require_POST
def application_revoke_link(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for_link_revoke(request, pk)
    application_revoke_status_link(application=application, member=request.member)
    messages.success(request, _("%(name)s 的报名进度链接已撤销，原链接不再能打开。") % {"name": application.name})
    return redirect(application.posting)


@require_POST
def rating_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_writer(request)
    posting = get_posting_for_read(request, pk)
    form = RatingForm(request.POST)
    if form.is_valid():
        employer_rating_create(
            merchant=posting.merchant,
            posting=posting,
            member=request.member,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
        )
        messages.success(request, _("已评价用人单位。"))
    else:
        messages.error(request, _("请给出1到5分的评分。"))
    return redirect(posting)


@require_GET
def interview_export(request: HttpRequest, pk: int) -> HttpResponse:
    posting = get_posting_for_edit(request, pk)
    response = HttpResponse(
        exports.interview_list_xlsx(posting),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="interview-{posting.pk}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
def season_list(request: HttpRequest) -> HttpResponse:
    require_member(request)
    formset = SeasonFormSet(
        request.POST or None, queryset=Season.objects.order_by("outreach_month", "outreach_day", "pk")
    )
    if request.method == "POST":
        require_leader(request)
        if formset.is_valid():
            seasons_save(forms=formset.forms)
            messages.success(request, _("兼职季日历已保存。"))
            return redirect("jobs:season-list")
    return render(request, "jobs/season_list.html", {"formset": formset})


# --- Public pages (no account)


@login_not_required
@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/public_list.html", {"postings": queries.public_postings()})


@login_not_required
@require_GET
def public_posting(request: HttpRequest, pk: int) -> HttpResponse:
    posting = get_public_posting(pk)
    public_url = request.build_absolute_uri(posting.get_public_url())
    return render(
        request,
        "jobs/public_posting.html",
        {
            "posting": posting,
            "refusal": posting_refusal(posting),
            "public_url": public_url,
            "share_image": request.build_absolute_uri(static("img/share.png")),
            "qr": queries.qr_data_uri(public_url),
        },
    )


@login_not_required
@require_GET
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    posting = get_public_posting(pk)
    pdf = queries.notice_pdf(posting, request.build_absolute_uri(posting.get_public_url()))
    return pdf_response(pdf, f"招聘启事-{posting.merchant.name}-{posting.title}.pdf")


def _apply_form_page(request: HttpRequest, context: dict, *, error: str = "", status: int = 200) -> HttpResponse:
    if error:
        context["error"] = error
    return render(request, "jobs/application_form.html", context, status=status)


@login_not_required
@require_http_methods(["GET", "POST"])
@ratelimit(group="jobs.apply", rate=_apply_rate)
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    posting = get_public_posting(pk)
    refusal = posting_refusal(posting)
    form = ApplicationForm(request.POST if request.method == "POST" else None, posting=posting)
    context = {
        "posting": posting,
        "form": form,
        "refusal": refusal,
        "public_url": request.build_absolute_uri(posting.get_public_url()),
        "share_image": request.build_absolute_uri(static("img/share.png")),
    }
    if request.method != "POST":
        return _apply_form_page(request, context)
    if refusal:
        return _apply_form_page(request, context, status=409)
    if request.limited:
        return _apply_form_page(request, context, error=_("提交过于频繁，请稍后再试。"), status=429)
    if form.is_spam:
        return _apply_form_page(request, context, error=_("提交未被接受，请刷新页面后重新填写。"), status=400)
    if form.is_empty:
        return _apply_form_page(request, context, error=_("报名表是空的，请填写后再提交。"), status=400)
    if not form.is_valid():
        return _apply_form_page(request, context, status=400)
    try:
        application = application_submit(posting=posting, data=form.cleaned_data)
    except AlreadyApplied as exc:
        return _apply_form_page(request, context, error=str(exc), status=409)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return _apply_form_page(request, context, status=400)
        return _apply_form_page(request, context, error=" ".join(exc.messages), status=400)
    messages.success(request, _("报名成功！请保存下面的链接，随时查看或修改报名。"))
    return redirect("jobs:application-status", application_status_token(application))


def _status_link_gone(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/application_status_gone.html", status=410)


@login_not_required
@require_GET
def application_status(request: HttpRequest, token: str) -> HttpResponse:
    try:
        application = get_application_by_token(token)
    except StatusLinkGone:
        return _status_link_gone(request)
    status_url = request.build_absolute_uri(reverse("jobs:application-status", args=[token]))
    return render(
        request,
        "jobs/application_status.html",
        {"application": application, "status_url": status_url, "token": token},
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, token: str) -> HttpResponse:
    try:
        application = get_application_by_token(token)
    except StatusLinkGone:
        return _status_link_gone(request)
    form = ApplicationEditForm(request.POST if request.method == "POST" else None, instance=application)
    if request.method == "POST" and form.is_valid():
        try:
            application_update(application=application, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("报名信息已更新。"))
            return redirect("jobs:application-status", token)
    return render(
        request,
        "jobs/application_edit.html",
        {"application": application, "form": form, "token": token},
        status=400 if form.errors else 200,
    )


@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    require_member(request)
    applications = ApplicationFilter(request.GET or None, request=request)
    return render_list(
        request, applications, "jobs/application_list.html", name="applications", columns=applications.columns
    )
