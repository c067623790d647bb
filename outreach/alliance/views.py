import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from outreach import roles
from outreach.locking import StaleObjectError
from sponsors.models import Merchant

from . import keys, matching, permissions, queries, services
from .bundles import BundleError, max_bytes
from .forms import KIND_FORMS, BundleUploadForm, PeerForm
from .models import EntryKind, Via


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    permissions.require_member(request)
    public_key = keys.public_key_text()
    peers = list(queries.peers_for_page())
    for peer in peers:
        peer.last_receipt = peer.all_receipts[0] if peer.all_receipts else None
    matches = matching.all_matches()
    return render(
        request,
        "alliance/home.html",
        {
            "public_key": public_key,
            "fingerprint": keys.fingerprint(public_key),
            "own_name": settings.ALLIANCE_NAME,
            "peers": peers,
            "received": list(queries.received_for_page()[:200]),
            "shared": list(queries.shared_for_page()),
            "matches": matches,
            "blacklist_matches": len({m.merchant.pk for m in matches if m.entry.kind == EntryKind.BLACKLIST}),
            "is_minister": roles.is_minister(request.user),
            "feed_published": settings.ALLIANCE_FEED_PUBLISH,
        },
    )


@require_http_methods(["GET", "POST"])
def peer_create(request: HttpRequest) -> HttpResponse:
    member = permissions.require_minister(request)
    form = PeerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        data.pop("is_active", None)
        try:
            peer = services.peer_create(by=member, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已登记“%(name)s”。") % {"name": peer.name})
            return redirect("alliance:home")
    return render(request, "alliance/peer_form.html", {"form": form, "title": _("登记联盟成员")})


@require_http_methods(["GET", "POST"])
def peer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    peer = permissions.get_peer_for_edit(request, pk)
    form = PeerForm(request.POST or None, instance=peer)
    if request.method == "POST" and form.is_valid():
        try:
            services.peer_update(peer=peer, by=request.member, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("alliance:home")
    return render(request, "alliance/peer_form.html", {"form": form, "peer": peer, "title": _("编辑联盟成员")})


@require_POST
def peer_pull(request: HttpRequest, pk: int) -> HttpResponse:
    peer = permissions.get_peer_for_edit(request, pk)
    if not peer.feed_url:
        messages.error(request, _("这个成员没有订阅地址。"))
        return redirect("alliance:home")
    try:
        result = services.feed_pull(peer=peer)
    except BundleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, result.summary)
    return redirect("alliance:home")


@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, kind: str) -> HttpResponse:
    member = permissions.require_minister(request)
    if kind not in KIND_FORMS:
        raise Http404
    initial = {"merchant": request.GET["merchant"]} if request.GET.get("merchant", "").isdigit() else {}
    form = KIND_FORMS[kind](request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.shared_entry_create(by=member, kind=kind, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已加入联盟数据包；下次导出时分享给各成员。"))
            return redirect("alliance:home")
    title = _("分享黑名单商家") if kind == EntryKind.BLACKLIST else _("分享合作记录")
    return render(request, "alliance/share_form.html", {"form": form, "title": title})


@require_POST
def shared_retract(request: HttpRequest, pk: int) -> HttpResponse:
    entry = permissions.get_shared_for_edit(request, pk)
    if services.shared_entry_retract(entry=entry, by=request.member):
        messages.success(request, _("已撤回；下次导出的数据包会通知各成员删除这一条。"))
    return redirect("alliance:home")


@require_GET
def export_preview(request: HttpRequest) -> HttpResponse:
    permissions.require_minister(request)
    payload = services.bundle_payload()
    return render(
        request,
        "alliance/export_preview.html",
        {
            "payload": payload,
            "entries": payload["entries"],
            "json": json.dumps(payload, ensure_ascii=False, indent=2),
        },
    )


@require_GET
def export_bundle(request: HttpRequest) -> HttpResponse:
    permissions.require_minister(request)
    response = HttpResponse(services.bundle_export(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="alliance-{timezone.localdate():%Y%m%d}.json"'
    return response


@login_not_required
@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    """Our signed bundle for peers to pull, only when ALLIANCE_FEED_PUBLISH is on. It holds
    only what the minister shared, and is signed: anyone may read it, no one can alter it."""
    if not settings.ALLIANCE_FEED_PUBLISH:
        raise Http404
    return HttpResponse(services.bundle_export(), content_type="application/json; charset=utf-8")


@require_http_methods(["GET", "POST"])
def import_bundle(request: HttpRequest) -> HttpResponse:
    member = permissions.require_minister(request)
    form = BundleUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > max_bytes():
                raise BundleError(_("数据包超过大小限制(最大 %(kb)d KB)，未导入。") % {"kb": max_bytes() // 1024})
            result = services.bundle_import(data=upload.read(max_bytes() + 1), via=Via.FILE, by=member)
        except BundleError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, result.summary)
            return redirect("alliance:home")
    return render(
        request,
        "alliance/import_form.html",
        {"form": form, "max_kb": max_bytes() // 1024, "title": _("导入联盟数据包"), "multipart": True},
    )


@require_POST
def adopt(request: HttpRequest, pk: int) -> HttpResponse:
    entry = permissions.get_entry_to_adopt(request, pk)
    merchant = get_object_or_404(Merchant, pk=request.POST.get("merchant") or 0)
    version = request.POST.get("version", "")
    try:
        services.entry_adopt(
            entry=entry,
            merchant=merchant,
            by=request.member,
            expected_version=int(version) if version.isdigit() else None,
        )
    except StaleObjectError as exc:
        messages.error(request, exc.messages[0])
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request, _("已采纳：“%(merchant)s”已列入本部门黑名单，来源记在修改记录中。") % {"merchant": merchant.name}
        )
    return redirect(merchant)
