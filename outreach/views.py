from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils._os import safe_join
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import health
from .models import Notification
from .permissions import require_member
from .services import notification_mark_read
from .uploads import serve_upload


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    member = require_member(request)
    recent = Notification.objects.for_member(member).unread()[:5]
    return render(request, "outreach/home.html", {"member": member, "recent_notifications": recent})


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    member = require_member(request)
    page = Paginator(Notification.objects.for_member(member), 30).get_page(request.GET.get("page"))
    return render(request, "outreach/notification_list.html", {"page_obj": page})


@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    member = require_member(request)
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    count = notification_mark_read(member=member, notification_ids=ids)
    messages.success(request, _("已将 %(count)d 条通知标为已读。") % {"count": count})
    return redirect("notification-list")


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": health.check_database(), "broker": health.check_broker()}
    status = 200 if all(value == "ok" for value in checks.values()) else 503
    return JsonResponse(checks, status=status)


@require_GET
def media_file(request: HttpRequest, path: str) -> FileResponse:
    """Uploaded files (visit photos, training materials, assignments) for members only.

    Files under private/ (signed contracts, fulfilment evidence) are served by their own
    views, which check who may see which contract; this one never serves them.
    """
    require_member(request)
    media_root = Path(settings.MEDIA_ROOT).resolve()
    try:
        # Resolved before the private/ check: "x/../private/..." and symlinks name the same file.
        full_path = Path(safe_join(media_root, path)).resolve()
    except ValueError as exc:  # a path that climbs out of MEDIA_ROOT
        raise Http404 from exc
    if not full_path.is_relative_to(media_root) or full_path.is_relative_to(media_root / "private"):
        raise Http404
    if not full_path.is_file():
        raise Http404
    return serve_upload(full_path)
