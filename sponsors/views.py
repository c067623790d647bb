import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from outreach import roles
from outreach.listing import render_list
from outreach.locking import StaleObjectError, stale_changes
from outreach.models import Member
from outreach.uploads import serve_upload

from . import blacklisting, excel, exports, permissions, queries
from .filters import MerchantFilter, VisitFilter
from .forms import (
    ContactForm,
    FollowUpForm,
    ImportForm,
    MerchantForm,
    StageForm,
    VettingForm,
    VisitEditForm,
    VisitForm,
)
from .models import WAVERING_STEPS_BACK, Contact, Merchant, Stage
from .services import (
    contact_delete,
    contact_save,
    followup_complete,
    followup_create,
    followup_reopen,
    merchant_change_stage,
    merchant_create,
    merchant_set_vetting,
    merchant_update,
    visit_log,
    visit_update,
)
from .timeline import timeline_for
from .warnings import warnings_for, warnings_for_details

IMPORT_SESSION_KEY = "sponsors_import"
NOT_MERCHANT_FIELDS = ("tag_names", "confirm_not_duplicate", "version")
IMPORT_REJECTS_SHOWN = 10  # rows listed after an import; the preview lists them all


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- Merchants


@require_GET
def merchant_list(request: HttpRequest) -> HttpResponse:
    permissions.require_member(request)
    merchants = MerchantFilter(request.GET or None)
    page = Paginator(merchants.qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sponsors/merchant_list.html",
        {
            "form": merchants.form,
            "page_obj": page,
            "query_string": query.urlencode(),
            "filtered": merchants.narrowed,
        },
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_http_methods(["GET", "POST"])
def merchant_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered, as an .xlsx: at once when it is small, else written by a worker
    (sponsors.exports). Only the list's button (a POST) starts one: a GET never queues work."""
    member = permissions.require_member(request)
    merchants = MerchantFilter(request.GET or None).qs
    count = merchants.count()
    if not exports.export_in_background(count):
        response = HttpResponse(excel.export_workbook(merchants), content_type=XLSX)
        filename = f"merchants-{timezone.localdate():%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    query = request.GET.urlencode()
    if request.method == "GET":
        context = {"count": count, "max_rows": settings.MERCHANT_EXPORT_BACKGROUND_ROWS, "query_string": query}
        return render(request, "sponsors/merchant_export.html", context)
    try:
        exports.merchant_export_request(member=member, query=query)
    except exports.ExportNotQueued:
        messages.error(
            request,
            _("现在无法开始后台导出，请稍后再试；或缩小筛选范围（不超过 %(max)d 家）后直接导出。")
            % {"max": settings.MERCHANT_EXPORT_BACKGROUND_ROWS},
        )
    else:
        messages.success(request, _("导出已开始，完成后会通知你。"))
    url = reverse("sponsors:merchant-list")
    return redirect(f"{url}?{query}" if query else url)


@require_GET
def merchant_export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = permissions.get_export_for_download(request, pk)
    if exports.is_expired(export):
        messages.warning(
            request,
            _("这份导出已超过 %(days)d 天，文件已失效，请重新导出。") % {"days": settings.MERCHANT_EXPORT_KEEP_DAYS},
        )
        return redirect("sponsors:merchant-list")
    return serve_upload(export.file)


@require_http_methods(["GET", "POST"])
def merchant_create_view(request: HttpRequest) -> HttpResponse:
    member = permissions.require_writer(request)
    form = MerchantForm(request.POST or None, initial={"owner": member.pk}, member=member)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = queries.merchant_duplicates(name=data["name"], phone=data["phone"])
        if duplicates and request.POST.get("confirm_not_duplicate") != "1":
            messages.warning(request, _("发现可能重复的商家，请先核对。确实不是同一家时，再点“仍然保存”。"))
        else:
            fields = {key: value for key, value in data.items() if key not in NOT_MERCHANT_FIELDS}
            try:
                merchant = merchant_create(by=member, tag_names=data["tag_names"], **fields)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("已添加商家“%(name)s”。") % {"name": merchant.name})
                for warning in warnings_for(merchant):
                    messages.warning(request, warning.text)
                return redirect(merchant)
    return render(request, "sponsors/merchant_form.html", {"form": form, "duplicates": duplicates})


@require_GET
def merchant_duplicates(request: HttpRequest) -> HttpResponse:
    """htmx: likely duplicates while the name or phone is being typed."""
    permissions.require_member(request)
    name = request.GET.get("name", "").strip()
    duplicates = (
        queries.merchant_duplicates(
            name=name, phone=request.GET.get("phone", ""), exclude_pk=request.GET.get("exclude") or None
        )
        if name or request.GET.get("phone")
        else []
    )
    alliance = warnings_for_details([{"name": name, "phone": request.GET.get("phone", "")}])[0] if name else []
    return render(request, "sponsors/_duplicates.html", {"duplicates": duplicates, "warnings": alliance})


@require_GET
def merchant_warnings(request: HttpRequest) -> HttpResponse:
    """htmx: warnings about the merchant picked in a proposal, contract or posting form."""
    permissions.require_member(request)
    merchant_id = request.GET.get("merchant", "")
    merchant = Merchant.objects.filter(pk=merchant_id).first() if merchant_id.isdigit() else None
    return render(request, "sponsors/_merchant_warnings.html", {"warnings": warnings_for(merchant)})


# The merchant page shows the newest entries of its timeline and a link for more, by steps:
# a merchant visited every week for years would otherwise be a page of megabytes.
TIMELINE_STEP = 30
TIMELINE_MAX = 600


def _timeline_length(request: HttpRequest) -> int:
    asked = request.GET.get("timeline", "")
    return min(max(int(asked), TIMELINE_STEP), TIMELINE_MAX) if asked.isdigit() else TIMELINE_STEP


# The merchant page's open follow-ups and contacts come a page at a time, like its timeline.
SECTION_PAGE = 10


def _section_page(request: HttpRequest, items, param: str):
    """A page of one section of the merchant page (`?<param>=n`), with links to its neighbours
    that keep the other sections' pages."""
    page = Paginator(items, SECTION_PAGE).get_page(request.GET.get(param))
    params = request.GET.copy()

    def url(number: int) -> str:
        params[param] = str(number)
        return "?" + params.urlencode()

    page.previous_url = url(page.previous_page_number()) if page.has_previous() else None
    page.next_url = url(page.next_page_number()) if page.has_next() else None
    return page


@require_GET
def merchant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    merchant = permissions.get_merchant_for_view(request, pk)
    member = request.member
    followups = merchant.followups.open().select_related("owner").order_by("due_on")
    steps_back = queries.merchant_steps_back(merchant)
    shown = _timeline_length(request)
    timeline = timeline_for(merchant, limit=shown + 1)
    context = {
        "merchant": merchant,
        "steps_back": steps_back,
        "wavering": steps_back >= WAVERING_STEPS_BACK,
        "business": blacklisting.business_in_progress(merchant) if merchant.is_blacklisted else [],
        "contacts": _section_page(request, list(merchant.contacts.all()), "contacts_page"),
        "timeline": timeline[:shown],
        "timeline_more": shown + TIMELINE_STEP if len(timeline) > shown and shown < TIMELINE_MAX else None,
        "changes": queries.merchant_changes(merchant),
        "followups": _section_page(request, followups, "followups_page"),
        "can_edit": permissions.can_edit_merchant(request.user, member, merchant),
        "can_write": roles.can_write(request.user),
        "is_leader": roles.is_leader(request.user),
        "stage_form": StageForm(initial={"to_stage": merchant.stage, "from_stage": merchant.stage}),
        "vetting_form": VettingForm(
            initial={
                "vetting_status": merchant.vetting_status,
                "blacklist_reason": merchant.blacklist_reason,
                "vetting_note": merchant.vetting_note,
                "credit_code": merchant.credit_code,
            },
            version=merchant.version,
        ),
        "followup_form": FollowUpForm(member=member) if member else None,
        "today": timezone.localdate(),
    }
    return render(request, "sponsors/merchant_detail.html", context)


@require_http_methods(["GET", "POST"])
def merchant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    merchant = permissions.get_merchant_for_edit(request, pk)
    form = MerchantForm(request.POST or None, instance=merchant, member=request.member)
    changes = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {key: value for key, value in data.items() if key not in NOT_MERCHANT_FIELDS}
        try:
            merchant_update(
                merchant=merchant,
                by=request.member,
                expected_version=form.expected_version,
                tag_names=data["tag_names"],
                **fields,
            )
        except StaleObjectError:
            changes = stale_changes(form, merchant, expected_version=form.expected_version)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(merchant)
    return render(
        request, "sponsors/merchant_form.html", {"form": form, "merchant": merchant, "stale_changes": changes}
    )


@require_POST
def merchant_stage(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a merchant to another stage: from the board (JSON) or the merchant page."""
    member = permissions.require_leader(request)
    merchant = get_object_or_404(Merchant, pk=pk)
    form = StageForm(request.POST)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    if not form.is_valid():
        if wants_json:
            return JsonResponse({"ok": False, "error": _("请选择有效的阶段。")}, status=400)
        messages.error(request, _("请选择有效的阶段。"))
        return redirect(merchant)
    try:
        change = merchant_change_stage(
            merchant=merchant,
            to_stage=form.cleaned_data["to_stage"],
            by=member,
            reason=form.cleaned_data["reason"],
            from_stage=form.cleaned_data["from_stage"],
        )
    except StaleObjectError as exc:
        merchant.refresh_from_db()
        if wants_json:
            return JsonResponse({"ok": False, "error": exc.messages[0], "stage": merchant.stage}, status=409)
        messages.error(request, exc.messages[0])
        return redirect("sponsors:board" if request.POST.get("next") == "board" else merchant)
    except ValidationError as exc:  # a step back without a reason
        if wants_json:
            return JsonResponse({"ok": False, "error": exc.messages[0], "needs_reason": True}, status=400)
        messages.error(request, exc.messages[0])
        return redirect("sponsors:board" if request.POST.get("next") == "board" else merchant)
    if wants_json:
        return JsonResponse({"ok": True, "changed": change is not None, "stage": merchant.stage})
    if change:
        messages.success(
            request, _("“%(name)s”已移到“%(stage)s”。") % {"name": merchant.name, "stage": merchant.get_stage_display()}
        )
    return redirect("sponsors:board" if request.POST.get("next") == "board" else merchant)


@require_POST
def merchant_vetting(request: HttpRequest, pk: int) -> HttpResponse:
    member = permissions.require_leader(request)
    merchant = get_object_or_404(Merchant, pk=pk)
    form = VettingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            merchant_set_vetting(
                merchant=merchant,
                status=data["vetting_status"],
                by=member,
                note=data["vetting_note"],
                blacklist_reason=data["blacklist_reason"],
                credit_code=data["credit_code"],
                expected_version=form.expected_version,
            )
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("资质核查已更新。"))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(merchant)


# --- Contacts


@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    merchant = permissions.get_merchant_for_edit(request, pk)
    form = ContactForm(request.POST or None, instance=Contact(merchant=merchant))
    if request.method == "POST" and form.is_valid():
        contact_save(contact=form.instance, by=request.member)
        messages.success(request, _("已添加联系人。"))
        return redirect(merchant)
    return render(request, "sponsors/contact_form.html", {"form": form, "merchant": merchant})


@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = permissions.get_contact_for_edit(request, pk)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        contact_save(contact=form.instance, by=request.member)
        messages.success(request, _("已保存联系人。"))
        return redirect(contact.merchant)
    return render(
        request, "sponsors/contact_form.html", {"form": form, "merchant": contact.merchant, "contact": contact}
    )


@require_POST
def contact_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    contact = permissions.get_contact_for_edit(request, pk)
    merchant = contact.merchant
    contact_delete(contact=contact, by=request.member)
    messages.success(request, _("已删除联系人。"))
    return redirect(merchant)


# --- Visits


@require_http_methods(["GET", "POST"])
def visit_create(request: HttpRequest) -> HttpResponse:
    member = permissions.require_writer(request)
    initial = {}
    merchant = None
    if request.GET.get("merchant", "").isdigit():
        merchant = get_object_or_404(Merchant, pk=request.GET["merchant"])
        initial["merchant"] = merchant.pk
    form = VisitForm(request.POST or None, request.FILES or None, member=member, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            merchant = data.pop("merchant")
            try:
                visit = visit_log(merchant=merchant, by=member, members=list(data.pop("members")), **data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("拜访已记录。"))
                return redirect(visit.merchant)
        merchant = form.cleaned_data.get("merchant") if hasattr(form, "cleaned_data") else None
    context = {"form": form, "merchant": merchant, "today": timezone.localdate()}
    if merchant is None:
        # Before any typing: the merchants the officer is most likely standing in.
        context["suggestions"] = queries.merchants_suggested_for(member)
    return render(request, "sponsors/visit_form.html", context)


@require_GET
def merchant_search(request: HttpRequest) -> HttpResponse:
    """htmx: the merchant pickers (the visit form's, sponsors.widgets.SearchPicker's). `q` is
    the text typed; with `suggest=1` an empty `q` answers with the member's own and last visited
    merchants (the visit form); `?scope=business|employer` offers only the merchants the form
    would accept."""
    member = permissions.require_member(request)
    q = request.GET.get("q", "")
    if not q.strip() and request.GET.get("suggest") == "1":
        results = queries.merchants_suggested_for(member)
    else:
        results = queries.merchants_for_search(q, scope=request.GET.get("scope", ""))
    return render(request, "sponsors/_merchant_search.html", {"results": results, "q": q})


# The meeting's share form offers the visits of the last half year (outreach.department.forms).
VISIT_SEARCH_DAYS = 180


@require_GET
def visit_search(request: HttpRequest) -> HttpResponse:
    """htmx: the visit picker, the latest matching visits first."""
    permissions.require_member(request)
    since = timezone.now() - timedelta(days=VISIT_SEARCH_DAYS)
    results = queries.visits_for_search(request.GET.get("q", ""), since=since)
    return render(request, "sponsors/_visit_search.html", {"results": results})


@require_GET
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = permissions.get_visit_for_view(request, pk)
    return render(
        request,
        "sponsors/visit_detail.html",
        {"visit": visit, "can_edit": permissions.can_edit_visit(request.user, request.member, visit)},
    )


@require_http_methods(["GET", "POST"])
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = permissions.get_visit_for_edit(request, pk)
    initial = {
        "visited_at": timezone.localtime(visit.visited_at),
        "members": list(visit.members.all()),
        "method": visit.method,
        "purpose": visit.purpose,
        "outcome": visit.outcome,
        "notes": visit.notes,
        "lesson": visit.lesson,
    }
    form = VisitEditForm(
        request.POST or None, request.FILES or None, initial=initial, member=request.member, visit=visit
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            visit_update(visit=visit, by=request.member, members=list(data.pop("members")), **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(visit)
    return render(request, "sponsors/visit_edit.html", {"form": form, "visit": visit})


# --- Follow-ups


@require_GET
def followup_list(request: HttpRequest) -> HttpResponse:
    member = permissions.require_member(request)
    shown = member
    if request.GET.get("member", "").isdigit() and roles.is_leader(request.user):
        shown = get_object_or_404(Member, pk=request.GET["member"])
    sections = queries.followups_for_member(shown)
    return render(
        request,
        "sponsors/followup_list.html",
        {
            "shown": shown,
            "sections": sections,
            "counts": queries.followup_counts_for_member(shown),
            "members": Member.objects.active().order_by("display_name") if roles.is_leader(request.user) else [],
            "today": timezone.localdate(),
        },
    )


@require_POST
def followup_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = permissions.require_writer(request)
    merchant = get_object_or_404(Merchant, pk=pk)
    form = FollowUpForm(request.POST, member=member)
    if form.is_valid():
        followup_create(merchant=merchant, by=member, **form.cleaned_data)
        messages.success(request, _("已添加跟进事项。"))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(merchant)


@require_POST
def followup_done(request: HttpRequest, pk: int) -> HttpResponse:
    followup = permissions.get_followup_for_edit(request, pk)
    if request.POST.get("reopen"):
        followup_reopen(followup=followup, by=request.member)
        messages.success(request, _("已重新打开。"))
    elif followup_complete(followup=followup, by=request.member):
        messages.success(request, _("已完成：%(what)s") % {"what": followup.description})
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("sponsors:followups")


# --- Board


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    member = permissions.require_member(request)
    mine = request.GET.get("mine") == "1"
    columns = queries.merchants_for_board(owner=member if mine else None)
    can_move = roles.is_leader(request.user)
    # A card's move menu is the same for every card of its column, only its form's action
    # differs: it is rendered once a column, not once a card (half the page's rendering).
    menu = get_template("sponsors/_board_move_menu.html")
    csrf_token = get_token(request)
    return render(
        request,
        "sponsors/board.html",
        {
            "columns": [
                (
                    stage,
                    Stage(stage).label,
                    *columns[stage],
                    menu.render({"stage": stage, "stages": Stage.choices, "csrf_token": csrf_token})
                    if can_move
                    else "",
                )
                for stage in columns
            ],
            "can_move": can_move,
            "mine": mine,
            "member": member,
        },
    )


# --- Import


@require_http_methods(["GET", "POST"])
def merchant_import(request: HttpRequest) -> HttpResponse:
    """Upload and preview; nothing is written here. The parsed rows wait in the session
    under a random token that the confirm form must send back."""
    permissions.require_leader(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    plan, token, counts = None, "", {}
    if request.method == "POST" and form.is_valid():
        try:
            rows = excel.read_rows(form.cleaned_data["file"])
        except excel.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            plan = excel.plan_import(rows)
            for planned, found in zip(plan, warnings_for_details([p.values for p in plan]), strict=True):
                planned.alliance_warnings = found  # other schools' warnings (sponsors.warnings)
            token = secrets.token_urlsafe(16)
            request.session[IMPORT_SESSION_KEY] = {
                "token": token,
                "rows": rows,
                "filename": form.cleaned_data["file"].name,
            }
            for planned in plan:
                counts[planned.action] = counts.get(planned.action, 0) + 1
    return render(
        request,
        "sponsors/merchant_import.html",
        {"form": form, "plan": plan, "token": token, "counts": counts, "max_rows": excel.MAX_ROWS},
    )


@require_POST
def merchant_import_confirm(request: HttpRequest) -> HttpResponse:
    member = permissions.require_leader(request)
    stored = request.session.get(IMPORT_SESSION_KEY)
    if not stored or not secrets.compare_digest(stored["token"], request.POST.get("token", "")):
        messages.error(request, _("导入已过期或已完成，请重新上传文件。"))
        return redirect("sponsors:import")
    resolutions = {
        int(key.removeprefix("resolve-")): value
        for key, value in request.POST.items()
        if key.startswith("resolve-") and key.removeprefix("resolve-").isdigit()
    }
    result = excel.import_rows(rows=stored["rows"], by=member, resolutions=resolutions)
    del request.session[IMPORT_SESSION_KEY]
    messages.success(
        request,
        _("导入完成：新建 %(create)d 家，更新 %(update)d 家，跳过 %(reject)d 行。") % result.counts,
    )
    for row in result.rejected[:IMPORT_REJECTS_SHOWN]:
        messages.warning(
            request,
            _("第 %(line)d 行“%(name)s”未导入：%(errors)s")
            % {"line": row.line, "name": row.name or "—", "errors": _("；").join(row.errors)},
        )
    if len(result.rejected) > IMPORT_REJECTS_SHOWN:
        messages.warning(
            request,
            _("另有 %(count)d 行未导入，请在预览中查看原因。") % {"count": len(result.rejected) - IMPORT_REJECTS_SHOWN},
        )
    return redirect("sponsors:merchant-list")


@require_GET
def visit_list(request: HttpRequest) -> HttpResponse:
    permissions.require_member(request)
    visits = VisitFilter(request.GET or None, request=request)
    return render_list(request, visits, "sponsors/visit_list.html", name="visits", columns=visits.columns)
