"""Who may do what on the department's pages, in one place (issue 6, point 10)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from . import roles
from .models import Member


def require_member(request: HttpRequest) -> Member:
    """Any of the four roles may read the department's pages."""
    if not request.member or not roles.is_member(request.user):
        raise PermissionDenied(_("您不是外联部的成员，无权查看此页面。"))
    return request.member


def require_writer(request: HttpRequest) -> Member:
    member = require_member(request)
    if not roles.can_write(request.user):
        raise PermissionDenied(_("指导老师只能查看，不能修改。"))
    return member


def require_leader(request: HttpRequest) -> Member:
    member = require_member(request)
    if not roles.is_leader(request.user):
        raise PermissionDenied(_("只有部长或副部长可以这样做。"))
    return member


def require_minister(request: HttpRequest) -> Member:
    member = require_member(request)
    if not roles.is_minister(request.user):
        raise PermissionDenied(_("只有部长可以这样做。"))
    return member


def may_see_score_of(request: HttpRequest, member: Member) -> bool:
    """Officers see their own breakdown (and the ranking); leaders and the advisor see everyone's."""
    return (
        request.member.pk == member.pk
        or roles.is_leader(request.user)
        or roles.has_role(request.user, roles.Role.ADVISOR)
    )


def get_member_for_score(request: HttpRequest, pk: int) -> Member:
    require_member(request)
    member = get_object_or_404(Member.objects.select_related("user", "team"), pk=pk)
    if not may_see_score_of(request, member):
        raise PermissionDenied(_("干事只能查看自己的评分明细。"))
    return member
