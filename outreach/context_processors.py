from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import roles

# The areas in the navigation bar; an area appears once its app defines the URL.
AREAS = [
    ("sponsors", "sponsors:merchant-list", _("商家")),
    ("events", "events:event-list", _("活动")),
    ("jobs", "jobs:posting-list", _("兼职")),
    ("outreach", "outreach:member-list", _("部门")),
    ("alliance", "alliance:home", _("联盟")),
]


def _areas(request):
    current = getattr(getattr(request, "resolver_match", None), "app_name", "")
    for app_name, url_name, label in AREAS:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        yield {"label": label, "url": url, "active": app_name == current}


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    member = getattr(request, "member", None)
    if not member or not roles.is_member(user):
        return {"nav_areas": [], "unread_notifications": 0, "is_department_member": False}
    return {
        "is_department_member": True,
        "nav_areas": list(_areas(request)),
        "unread_notifications": member.notifications.unread().count(),
        "role_label": roles.Role(roles.primary_role(user)).label,
    }
