from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from outreach.clientip import client_ip
from outreach.listing import paginate, render_list
from outreach.locking import StaleObjectError, posted_version, stale_changes
from outreach.pdf import pdf_response, render_pdf
from outreach.uploads import serve_upload

from . import filters, forms, permissions, queries, services
from .models import EventStatus, ProposalStatus
from .money import amount_in_capitals

FORM_METHODS = ["GET", "POST"]


def _document(template: str, context: dict, *, language: str | None = None) -> bytes:
    """The documents are the union's Chinese paperwork, whatever language the reader picked;
    a contract may also be printed in English (`?lang=en`) for a sponsor who reads English."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return render_pdf(template, context)


def _document_language(request: HttpRequest) -> str | None:
    return "en" if request.GET.get("lang") == "en" else None


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


def _form_page(request, template: str, form, *, title: str, back: str, **context) -> HttpResponse:
    return render(request, template, {"form": form, "title": title, "back_url": back, **context})


def _act(request, action, success: str, redirect_to: str) -> HttpResponse:
    """Run a POST-only service call; its ValidationError becomes an error message."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, success)
    return redirect(redirect_to)


# --- Events


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    permissions.require_member(request)
    status = request.GET.get("status", "")
    events = queries.events_for_list()
    if status in EventStatus.values:
        events = events.filter(status=status)
    pager = paginate(request, events)
    return render(
        request,
        "events/event_list.html",
        {"events": pager["page_obj"], **pager, "statuses": EventStatus.choices, "status": status},
    )


@require_http_methods(FORM_METHODS)
def event_create(request: HttpRequest) -> HttpResponse:
    member = permissions.require_writer(request)
    form = forms.EventForm(request.POST or None, initial={"owner": member})
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(**form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(event)
    return _form_page(request, "events/event_form.html", form, title=_("新建活动"), back=reverse("events:event-list"))


@require_http_methods(FORM_METHODS)
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = permissions.get_event_for_edit(request, pk)
    form = forms.EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.event_update(event=event, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(event)
    return _form_page(request, "events/event_form.html", form, title=_("编辑活动"), back=event.get_absolute_url())


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = permissions.get_event_for_detail(request, pk)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "money": queries.money_raised(event),
            "suggestions": queries.suggested_merchants(event),
        },
    )


@require_GET
def event_proposals(request: HttpRequest, pk: int) -> HttpResponse:
    """Every proposal of the event, a page of 25 (the event page shows the latest few)."""
    event = permissions.get_event(request, pk)
    pager = paginate(request, queries.event_proposals(event))
    return render(request, "events/event_proposals.html", {"event": event, "proposals": pager["page_obj"], **pager})


@require_GET
def event_search(request: HttpRequest) -> HttpResponse:
    """htmx: the event pickers (the contract and payment lists' filters): a few events whose
    title contains `q`, never every event."""
    permissions.require_member(request)
    q = request.GET.get("q", "")
    return render(request, "events/_event_search.html", {"results": queries.events_for_search(q), "q": q})


# --- Benefits


@require_http_methods(FORM_METHODS)
def benefit_create(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require_writer(request)
    event = permissions.get_event(request, pk)
    form = forms.BenefitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.benefit_create(event=event, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("权益已添加，请记录各负责部门的同意。"))
            return redirect(event.get_absolute_url() + "#benefits")
    return _form_page(request, "events/benefit_form.html", form, title=_("添加宣传权益"), back=event.get_absolute_url())


@require_http_methods(FORM_METHODS)
def benefit_agree(request: HttpRequest, pk: int) -> HttpResponse:
    approval = permissions.get_approval_for_edit(request, pk)
    event = approval.benefit.event
    form = forms.AgreementForm(request.POST or None, instance=approval)
    if request.method == "POST" and form.is_valid():
        services.benefit_record_agreement(approval=approval, recorded_by=request.member, **form.cleaned_data)
        messages.success(request, _("已记录%(department)s的同意。") % {"department": approval.department})
        return redirect(event.get_absolute_url() + "#benefits")
    title = _("记录%(department)s的同意") % {"department": approval.department}
    return _form_page(
        request, "events/benefitapproval_form.html", form, title=title, back=event.get_absolute_url(), approval=approval
    )


# --- Proposals


@require_http_methods(FORM_METHODS)
def proposal_create(request: HttpRequest, pk: int) -> HttpResponse:
    member = permissions.require_writer(request)
    event = permissions.get_event(request, pk)
    initial = {"title": _("%(event)s赞助方案书") % {"event": event.title}, "contact": member}
    if request.GET.get("merchant", "").isdigit():
        initial["merchant"] = int(request.GET["merchant"])
    form = forms.ProposalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(event=event, created_by=member, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(proposal)
    return _form_page(
        request, "events/proposal_form.html", form, title=_("新建赞助方案书"), back=event.get_absolute_url()
    )


@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = permissions.get_proposal(request, pk)
    merchant = proposal.merchant
    return render(
        request,
        "events/proposal_detail.html",
        {
            "proposal": proposal,
            "statuses": ProposalStatus.choices,
            "blacklist_reason": services.blacklist_reason(merchant) if merchant else "",
        },
    )


@require_GET
def proposal_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = permissions.get_proposal(request, pk)
    pdf = _document("events/pdf/proposal.html", {"proposal": proposal, "event": proposal.event})
    return pdf_response(pdf, f"{proposal.title}.pdf")


@require_http_methods(FORM_METHODS)
def package_create(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = permissions.get_proposal_for_edit(request, pk)
    form = forms.PackageForm(request.POST or None, event=proposal.event)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_package_add(proposal=proposal, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(proposal)
    return _form_page(
        request, "events/proposalpackage_form.html", form, title=_("添加赞助级别"), back=proposal.get_absolute_url()
    )


@require_POST
def proposal_status(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = permissions.get_proposal_for_edit(request, pk)
    status = request.POST.get("status", "")
    return _act(
        request,
        lambda: services.proposal_set_status(proposal=proposal, status=status),
        _("方案书状态已更新。"),
        proposal.get_absolute_url(),
    )


@require_http_methods(FORM_METHODS)
def proposal_contract(request: HttpRequest, pk: int) -> HttpResponse:
    member = permissions.require_writer(request)
    proposal = permissions.get_proposal_for_edit(request, pk)
    form = forms.ContractFromPackageForm(request.POST or None, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_create_from_package(owner=member, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("合同草稿已生成：%(number)s") % {"number": contract.number})
            return redirect(contract)
    return _form_page(
        request,
        "events/contract_from_proposal.html",
        form,
        title=_("由方案书生成合同"),
        back=proposal.get_absolute_url(),
    )


# --- Contracts


@require_http_methods(FORM_METHODS)
def contract_create(request: HttpRequest, pk: int) -> HttpResponse:
    member = permissions.require_writer(request)
    event = permissions.get_event(request, pk)
    form = forms.ContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        try:
            contract = services.contract_create(event=event, owner=member, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(contract)
    return _form_page(
        request, "events/contract_form.html", form, title=_("新建赞助合同"), back=event.get_absolute_url()
    )


@require_http_methods(FORM_METHODS)
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = permissions.get_contract_for_edit(request, pk)
    if contract.is_frozen:
        # The page would offer a form that can only be refused: say why on the contract page.
        messages.warning(
            request,
            _("合同已提交审批或已签署，不能再修改：审批中的合同请部长退回草稿后修改，已签署的合同请添加补充协议。"),
        )
        return redirect(contract)
    form = forms.ContractForm(request.POST or None, instance=contract)
    changes = []
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        try:
            services.contract_update(contract=contract, expected_version=form.expected_version, **fields)
        except StaleObjectError:
            changes = stale_changes(form, contract, expected_version=form.expected_version)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(contract)
    return _form_page(
        request,
        "events/contract_form.html",
        form,
        title=_("编辑合同"),
        back=contract.get_absolute_url(),
        stale_changes=changes,
    )


@require_GET
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = permissions.get_contract(request, pk)
    links = [
        (link, request.build_absolute_uri(reverse("events:merchant-link", args=[services.merchant_link_token(link)])))
        for link in contract.links.all()
    ]
    return render(
        request,
        "events/contract_detail.html",
        {
            "contract": contract,
            "summary": queries.fulfilment_summary(contract),
            "needs_signoff": services.needs_advisor_signoff(contract),
            "capitals": amount_in_capitals(contract.cash_amount),
            "links": links,
            "link_form": forms.LinkForm(),
            "history": queries.contract_history(contract),
            "blacklist_reason": services.blacklist_reason(contract.merchant),
            "payments_gap": queries.payments_gap(contract),
            "acceptance": queries.acceptance_summary(contract),
            "receipt_form": forms.ReceiptForm(initial={"handed_on": timezone.localdate()}),
        },
    )


def _contract_context(contract, *, language: str | None = None) -> dict:
    in_kind_total = sum((item.value for item in contract.in_kind_items.all()), 0)
    return {
        "contract": contract,
        "capitals": amount_in_capitals(contract.cash_amount),
        "in_kind_total": in_kind_total,
        "in_kind_capitals": amount_in_capitals(in_kind_total),
        "english": language == "en",
        **queries.contract_document_parts(contract),
    }


def _contract_pdf_response(request: HttpRequest, contract) -> HttpResponse:
    language = _document_language(request)
    pdf = _document("events/pdf/contract.html", _contract_context(contract, language=language), language=language)
    return pdf_response(pdf, f"{contract.number}{'-en' if language else ''}.pdf")


@require_GET
def contract_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    contract = permissions.get_contract(request, pk)
    return _contract_pdf_response(request, contract)


@require_GET
def fulfilment_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    contract = permissions.get_contract(request, pk)
    return _report_response(contract)


def _report_response(contract) -> HttpResponse:
    context = {
        "contract": contract,
        "summary": queries.fulfilment_summary(contract),
        **queries.contract_document_parts(contract),
    }
    pdf = _document("events/pdf/fulfilment_report.html", context)
    return pdf_response(pdf, f"{contract.number}-执行报告.pdf")


@require_http_methods(FORM_METHODS)
def clause_create(request: HttpRequest, pk: int) -> HttpResponse:
    contract = permissions.get_contract_for_edit(request, pk)
    form = forms.ClauseForm(request.POST or None, event=contract.event)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_clause_add(contract=contract, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(contract)
    return _form_page(
        request, "events/clause_form.html", form, title=_("添加权益条款"), back=contract.get_absolute_url()
    )


@require_http_methods(FORM_METHODS)
def in_kind_create(request: HttpRequest, pk: int) -> HttpResponse:
    contract = permissions.get_contract_for_edit(request, pk)
    form = forms.InKindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_in_kind_add(contract=contract, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(contract)
    return _form_page(
        request, "events/contractinkind_form.html", form, title=_("添加实物赞助"), back=contract.get_absolute_url()
    )


@require_POST
def contract_submit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = permissions.get_contract_for_edit(request, pk)
    return _act(
        request,
        lambda: services.contract_submit(
            contract=contract, member=request.member, expected_version=posted_version(request)
        ),
        _("已提交部长审批。"),
        contract.get_absolute_url(),
    )


@require_POST
def contract_approve(request: HttpRequest, pk: int) -> HttpResponse:
    contract = permissions.get_contract_for_approval(request, pk)
    return _act(
        request,
        lambda: services.contract_approve(
            contract=contract, member=request.member, expected_version=posted_version(request)
        ),
        _("合同已审批。"),
        contract.get_absolute_url(),
    )


@require_POST
def contract_signoff(request: HttpRequest, pk: int) -> HttpResponse:
    contract = permissions.get_contract_for_signoff(request, pk)
    return _act(
        request,
        lambda: services.contract_advisor_signoff(
            contract=contract, member=request.member, expected_version=posted_version(request)
        ),
        _("指导老师已签批。"),
        contract.get_absolute_url(),
    )


@require_POST
def contract_return(request: HttpRequest, pk: int) -> HttpResponse:
    contract = permissions.get_contract_for_approval(request, pk)
    return _act(
        request,
        lambda: services.contract_return_to_draft(contract=contract, expected_version=posted_version(request)),
        _("合同已退回修改。"),
        contract.get_absolute_url(),
    )


@require_http_methods(FORM_METHODS)
def contract_sign(request: HttpRequest, pk: int) -> HttpResponse:
    contract = permissions.get_contract_for_edit(request, pk)
    form = forms.SignForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_sign(
                contract=contract,
                member=request.member,
                scan=form.cleaned_data["scan"],
                signed_on=form.cleaned_data["signed_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("签署件已上传，落实事项已生成。"))
            return redirect(contract)
    return _form_page(
        request,
        "events/contract_sign.html",
        form,
        title=_("上传签署件"),
        back=contract.get_absolute_url(),
        multipart=True,
    )


@require_http_methods(FORM_METHODS)
def contract_terminate(request: HttpRequest, pk: int) -> HttpResponse:
    contract = permissions.get_contract_for_edit(request, pk)
    form = forms.TerminateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_terminate(contract=contract, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(contract)
    return _form_page(
        request, "events/contract_terminate.html", form, title=_("终止合同"), back=contract.get_absolute_url()
    )


@require_POST
def contract_keep(request: HttpRequest, pk: int) -> HttpResponse:
    """The minister keeps a signed contract whose merchant was blacklisted, saying why."""
    contract = permissions.get_contract_for_approval(request, pk)
    form = forms.BlacklistKeepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请写明保留合同的理由。"))
        return redirect(contract)
    return _act(
        request,
        lambda: services.contract_keep_despite_blacklist(
            contract=contract,
            member=request.member,
            note=form.cleaned_data["note"],
            expected_version=posted_version(request),
        ),
        _("已决定保留合同。"),
        contract.get_absolute_url(),
    )


@require_GET
def contract_scan(request: HttpRequest, pk: int) -> HttpResponse:
    contract = permissions.get_contract(request, pk)
    return _private_file(contract.signed_scan)


def _private_file(field) -> FileResponse:
    if not field:
        raise Http404
    return serve_upload(field)


@require_http_methods(FORM_METHODS)
def amendment_create(request: HttpRequest, pk: int) -> HttpResponse:
    contract = permissions.get_contract_for_edit(request, pk)
    form = forms.AmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.amendment_create(contract=contract, created_by=request.member, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(contract)
    return _form_page(
        request, "events/amendment_form.html", form, title=_("添加补充协议"), back=contract.get_absolute_url()
    )


@require_GET
def amendment_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require_member(request)
    amendment = permissions.get_amendment(request, pk)
    contract = amendment.contract
    context = {"amendment": amendment, "contract": contract, **queries.contract_document_parts(contract)}
    pdf = _document("events/pdf/amendment.html", context)
    return pdf_response(pdf, f"{amendment}.pdf")


# --- Money


@require_http_methods(FORM_METHODS)
def payment_create(request: HttpRequest, pk: int) -> HttpResponse:
    contract = permissions.get_contract_for_edit(request, pk)
    form = forms.PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_add(contract=contract, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(contract.get_absolute_url() + "#payments")
    return _form_page(
        request, "events/payment_form.html", form, title=_("添加付款计划"), back=contract.get_absolute_url()
    )


@require_POST
def payment_receive(request: HttpRequest, pk: int) -> HttpResponse:
    payment = permissions.get_payment_for_edit(request, pk)
    back = payment.contract.get_absolute_url() + "#payments"
    form = forms.ReceiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect(back)
    return _act(
        request,
        lambda: services.payment_receive(payment=payment, **form.cleaned_data),
        _("已记录到账。"),
        back,
    )


# --- Fulfilment


@require_http_methods(FORM_METHODS)
def deliverable_complete(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = permissions.get_deliverable_for_complete(request, pk)
    form = forms.CompleteForm(request.POST or None, request.FILES or None, initial={"note": deliverable.note})
    if request.method == "POST" and form.is_valid():
        try:
            services.deliverable_complete(
                deliverable=deliverable,
                member=request.member,
                note=form.cleaned_data["note"],
                images=form.cleaned_data["photos"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已标记完成，等待副部长或部长核实。"))
            return redirect(deliverable.get_absolute_url())
    return _form_page(
        request,
        "events/deliverable_complete.html",
        form,
        title=_("完成落实事项"),
        back=deliverable.contract.get_absolute_url(),
        deliverable=deliverable,
        multipart=True,
    )


@require_http_methods(FORM_METHODS)
def deliverable_assign(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = permissions.get_deliverable_for_complete(request, pk)
    form = forms.DeliverableAssignForm(request.POST or None, instance=deliverable)
    if request.method == "POST" and form.is_valid():
        try:
            services.deliverable_assign(deliverable=deliverable, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(deliverable.get_absolute_url())
    return _form_page(
        request,
        "events/deliverable_assign.html",
        form,
        title=_("分配落实事项"),
        back=deliverable.contract.get_absolute_url(),
        deliverable=deliverable,
    )


@require_POST
def deliverable_verify(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = permissions.get_deliverable_for_verify(request, pk)
    return _act(
        request,
        lambda: services.deliverable_verify(deliverable=deliverable, member=request.member),
        _("已核实。"),
        deliverable.get_absolute_url(),
    )


@require_POST
def deliverable_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = permissions.get_deliverable_for_verify(request, pk)
    return _act(
        request,
        lambda: services.deliverable_reopen(deliverable=deliverable, member=request.member),
        _("已退回，请负责人补充凭证。"),
        deliverable.get_absolute_url(),
    )


@require_GET
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = permissions.get_evidence(request, pk)
    return _private_file(evidence.image)


# --- Materials


@require_http_methods(FORM_METHODS)
def material_create(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require_writer(request)
    event = permissions.get_event(request, pk)
    form = forms.MaterialForm(request.POST or None, initial={"responsible": request.member})
    if request.method == "POST" and form.is_valid():
        try:
            services.material_add(event=event, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(event.get_absolute_url() + "#materials")
    return _form_page(request, "events/material_form.html", form, title=_("添加物资"), back=event.get_absolute_url())


@require_POST
def material_returned(request: HttpRequest, pk: int) -> HttpResponse:
    material = permissions.get_material_for_edit(request, pk)
    return _act(
        request,
        lambda: services.material_mark_returned(material=material),
        _("已标记归还。"),
        material.event.get_absolute_url() + "#materials",
    )


# --- The merchant's signed link


@require_POST
def link_create(request: HttpRequest, pk: int) -> HttpResponse:
    contract = permissions.get_contract_for_edit(request, pk)
    form = forms.LinkForm(request.POST)
    days = form.cleaned_data["days"] if form.is_valid() else 30
    return _act(
        request,
        lambda: services.merchant_link_create(contract=contract, created_by=request.member, days=days),
        _("链接已生成，复制后发给商家。"),
        contract.get_absolute_url() + "#links",
    )


@require_POST
def link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    link = permissions.get_link_for_edit(request, pk)
    return _act(
        request,
        lambda: services.merchant_link_revoke(link=link),
        _("链接已撤销。"),
        link.contract.get_absolute_url() + "#links",
    )


def _linked_contract(token: str):
    link = queries.resolve_merchant_link(token)
    if link is None:
        raise Http404
    return queries.contract_for_detail(link.contract_id), link


def _merchant_page(request: HttpRequest, token: str, *, objection=None, status: int = 200) -> HttpResponse:
    contract, link = _linked_contract(token)
    objection_for, objection_form = objection or (None, None)
    response = render(
        request,
        "events/merchantlink_detail.html",
        {
            "contract": contract,
            "link": link,
            "token": token,
            "summary": queries.fulfilment_summary(contract),
            "acceptance": queries.acceptance_summary(contract),
            "objection_for": objection_for,
            "objection_form": objection_form,
        },
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    # The token must not leak to other sites, but the page's own forms need their Origin: with
    # no-referrer the browser sends "Origin: null" and CSRF refuses the sponsor's answer.
    response["Referrer-Policy"] = "same-origin"
    return response


@login_not_required
@require_GET
def merchant_link(request: HttpRequest, token: str) -> HttpResponse:
    return _merchant_page(request, token)


def _back_to_link(token: str, deliverable_id: int) -> HttpResponse:
    return redirect(reverse("events:merchant-link", args=[token]) + f"#deliverable-{deliverable_id}")


@login_not_required
@require_POST
def merchant_link_confirm(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """The sponsor confirms a delivered benefit (no account: the signed link is the proof)."""
    _contract, link = _linked_contract(token)
    try:
        services.acceptance_confirm(link=link, deliverable_id=pk, ip=client_ip(request) or None)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("已确认验收，谢谢。"))
    return _back_to_link(token, pk)


@login_not_required
@require_POST
def merchant_link_object(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    _contract, link = _linked_contract(token)
    form = forms.ObjectionForm(request.POST)
    if form.is_valid():
        try:
            services.acceptance_object(
                link=link, deliverable_id=pk, comment=form.cleaned_data["comment"], ip=client_ip(request) or None
            )
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, _("异议已提交，外联部会尽快联系您。"))
        return _back_to_link(token, pk)
    return _merchant_page(request, token, objection=(pk, form), status=400)


@login_not_required
@require_GET
def merchant_link_contract_pdf(request: HttpRequest, token: str) -> HttpResponse:
    contract, _link = _linked_contract(token)
    return _contract_pdf_response(request, contract)


@login_not_required
@require_GET
def merchant_link_report_pdf(request: HttpRequest, token: str) -> HttpResponse:
    contract, _link = _linked_contract(token)
    return _report_response(contract)


# --- Acceptance: the department's side


@require_POST
def objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = permissions.get_deliverable_for_complete(request, pk)
    form = forms.ResolveObjectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请写明如何处理了赞助方的异议。"))
        return redirect(deliverable.contract.get_absolute_url() + "#acceptance")
    return _act(
        request,
        lambda: services.acceptance_objection_resolve(
            deliverable=deliverable, member=request.member, note=form.cleaned_data["note"]
        ),
        _("异议已处理，请赞助方在链接上重新验收。"),
        deliverable.contract.get_absolute_url() + "#acceptance",
    )


@require_POST
def contract_report_sent(request: HttpRequest, pk: int) -> HttpResponse:
    contract = permissions.get_contract_for_edit(request, pk)
    return _act(
        request,
        lambda: services.contract_report_sent(contract=contract, member=request.member),
        _("已记录执行报告发送时间。"),
        contract.get_absolute_url() + "#acceptance",
    )


@require_POST
def contract_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    contract = permissions.get_contract_for_edit(request, pk)
    form = forms.ReceiptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写收据交付日期。"))
        return redirect(contract.get_absolute_url() + "#receipt")
    return _act(
        request,
        lambda: services.contract_receipt_record(
            contract=contract, handed_on=form.cleaned_data["handed_on"], note=form.cleaned_data["note"]
        ),
        _("已记录收据交付。"),
        contract.get_absolute_url() + "#receipt",
    )


# --- The department-wide lists (officers see their own rows)


@require_GET
def contract_list(request: HttpRequest) -> HttpResponse:
    permissions.require_member(request)
    contracts = filters.ContractFilter(request.GET or None, request=request)
    return render_list(
        request,
        contracts,
        "events/contract_list.html",
        name="contracts",
        columns=contracts.columns,
        context={"totals": contracts.totals()},
    )


@require_GET
def deliverable_list(request: HttpRequest) -> HttpResponse:
    permissions.require_member(request)
    deliverables = filters.DeliverableFilter(request.GET or None, request=request)
    return render_list(
        request,
        deliverables,
        "events/deliverable_list.html",
        name="deliverables",
        columns=deliverables.columns,
        context={"today": timezone.localdate()},
    )


@require_GET
def payment_list(request: HttpRequest) -> HttpResponse:
    permissions.require_member(request)
    payments = filters.PaymentFilter(request.GET or None, request=request)
    return render_list(
        request,
        payments,
        "events/payment_list.html",
        name="payments",
        columns=payments.columns,
        context={"totals": payments.totals(), "today": timezone.localdate()},
    )
