from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from . import views
from .department import views as department_views

admin.site.site_header = settings.ADMIN_SITE_HEADER

urlpatterns = [
    # The home page shows each member's day from every app: it lives in the department layer.
    path("", department_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/read/", views.notification_read, name="notification-read"),
    # Before Django's own: the same page and name, throttled.
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("notifications/undelivered/", views.notification_undelivered, name="notification-undelivered"),
    path("notifications/<int:pk>/resend/", views.notification_resend_view, name="notification-resend"),
    path("notifications/<int:pk>/open/", views.notification_go, name="notification-open"),
    path("accounts/", include("django.contrib.auth.urls")),
    # The public job pages switch language too, so switching needs no login.
    path("i18n/setlang/", views.language_set, name="set_language"),
    path("i18n/js/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("department/", include("outreach.department.urls")),
    path("sponsors/", include("sponsors.urls")),
    path("events/", include("events.urls")),
    path("jobs/", include("jobs.urls")),
    path("alliance/", include("outreach.alliance.urls")),
    # Uploads are the department's private record: served to members, in production too.
    path(settings.MEDIA_URL.strip("/") + "/<path:path>", views.media_file, name="media-file"),
]
