"""Who may do what on the department's pages, in one place (issue 6, point 10)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .. import roles
from ..models import Member
from ..permissions import require_leader, require_member, require_minister, require_writer  # noqa: F401 (used by the views)


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


def may_read_summary(user) -> bool:
    """The semester work summary is for the department's leaders and the advisor."""
    return roles.is_leader(user) or roles.has_role(user, roles.Role.ADVISOR)


def require_summary_reader(request: HttpRequest) -> Member:
    member = require_member(request)
    if not may_read_summary(request.user):
        raise PermissionDenied(_("只有部长、副部长和指导老师可以查看学期工作总结。"))
    return member
