"""The guards every private view starts with. Each app's permissions.py builds its object
loaders on these and may pass a refusal message that says what exactly was refused."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from . import roles
from .models import Member


def require_member(request: HttpRequest) -> Member:
    """Any of the four roles, with an active Member profile: may read private pages."""
    if not request.member or not roles.is_member(request.user):
        raise PermissionDenied(_("您不是外联部的成员，无权查看此页面。"))
    return request.member


def require_writer(request: HttpRequest) -> Member:
    member = require_member(request)
    if not roles.can_write(request.user):
        raise PermissionDenied(_("指导老师只能查看，不能修改。"))
    return member


def require_leader(request: HttpRequest, message: str | None = None) -> Member:
    """Vice-minister or minister."""
    member = require_member(request)
    if not roles.is_leader(request.user):
        raise PermissionDenied(message or _("只有部长或副部长可以这样做。"))
    return member


def require_minister(request: HttpRequest, message: str | None = None) -> Member:
    member = require_member(request)
    if not roles.is_minister(request.user):
        raise PermissionDenied(message or _("只有部长可以这样做。"))
    return member


def require_role(request: HttpRequest, role: str, message: str) -> Member:
    member = require_member(request)
    if not roles.has_role(request.user, role):
        raise PermissionDenied(message)
    return member


def sees_whole_department(user) -> bool:
    """The minister, the vice-ministers and the advisor: the dashboard and the department-wide lists."""
    return roles.is_leader(user) or roles.has_role(user, roles.Role.ADVISOR)


def require_department_view(request: HttpRequest) -> Member:
    member = require_member(request)
    if not sees_whole_department(request.user):
        raise PermissionDenied(_("只有部长、副部长和指导老师可以查看全部门的数据。"))
    return member
