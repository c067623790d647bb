from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import health, roles
from .models import Notification
from .services import notification_mark_read


def _require_member(request: HttpRequest):
    """Signed in is not enough: only the department's members see its pages."""
    if not request.member or not roles.is_member(request.user):
        raise PermissionDenied(_("您不是外联部的成员，无权查看此页面。"))
    return request.member


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    member = _require_member(request)
    recent = Notification.objects.for_member(member).unread()[:5]
    return render(request, "outreach/home.html", {"member": member, "recent_notifications": recent})


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    member = _require_member(request)
    page = Paginator(Notification.objects.for_member(member), 30).get_page(request.GET.get("page"))
    return render(request, "outreach/notification_list.html", {"page_obj": page})


@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    member = _require_member(request)
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
