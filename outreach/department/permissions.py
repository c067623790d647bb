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
