from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils._os import safe_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language
from django_ratelimit.core import is_ratelimited

from . import health
from .clientip import client_ip
from .models import Notification
from .permissions import require_member, require_minister
from .services import member_language_set, notification_mark_read, notification_open, notification_resend
from .uploads import serve_upload


@login_not_required
def language_set(request: HttpRequest) -> HttpResponse:
    """Django's language switcher (the public pages use it too); a member's choice is also
    kept on their profile, so the e-mails they are sent are in their language."""
    response = set_language(request)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    if getattr(request, "member", None) is not None and settings.LANGUAGE_COOKIE_NAME in response.cookies:
        member_language_set(member=request.member, language=language)
    return response


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


def login_locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a login attempt on a locked account or from a locked address."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)),
    }
    return render(request, "registration/lockout.html", context, status=429)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, throttled per address and per e-mail address it mails."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Both counters go up on every request, so neither limit can be dodged with the other.
        limited = [
            is_ratelimited(
                request,
                group="password-reset-ip",
                key=_client_ip_key,
                rate=settings.PASSWORD_RESET_RATE_PER_IP,
                method="POST",
                increment=True,
            ),
            is_ratelimited(
                request,
                group="password-reset-email",
                key=_email_key,
                rate=settings.PASSWORD_RESET_RATE_PER_EMAIL,
                method="POST",
                increment=True,
            ),
        ]
        if any(limited):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, _("重置密码的请求太频繁，请稍后再试。"))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


def _client_ip_key(group: str, request: HttpRequest) -> str:
    return client_ip(request)


def _email_key(group: str, request: HttpRequest) -> str:
    return request.POST.get("email", "").strip().lower()


@require_GET
def notification_undelivered(request: HttpRequest) -> HttpResponse:
    require_minister(request, _("只有部长可以查看未送达的邮件。"))
    page = Paginator(Notification.objects.for_undelivered_list(), 30).get_page(request.GET.get("page"))
    return render(request, "outreach/notification_undelivered.html", {"page_obj": page})


@require_POST
def notification_resend_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = require_minister(request, _("只有部长可以重发邮件。"))
    notification = get_object_or_404(Notification.objects.undelivered(), pk=pk)
    try:
        notification_resend(notification=notification, member=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已安排重发给 %(name)s。") % {"name": notification.recipient.display_name})
    return redirect("notification-undelivered")


@require_POST
def notification_go(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a notification marks it read and goes where it points."""
    member = require_member(request)
    try:
        notification = notification_open(member=member, notification_id=pk)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
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
