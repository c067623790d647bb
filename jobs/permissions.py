"""Who may see and do what in jobs, in one place.

Department pages: any member reads; officers (and leaders) screen and rate employers;
vice-ministers and ministers publish postings, send to interview and record outcomes; the
advisor reads only. The public sees open postings and, through a signed link, their own
application and nothing else; writers can revoke that link.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach import permissions as shared
from outreach.models import Member
from outreach.permissions import require_member, require_writer

from .models import Application, Posting
from .services import application_from_token


def require_leader(request) -> Member:
    return shared.require_leader(request, _("只有副部长和部长可以发布岗位、推荐复试和记录复试结果。"))


def get_posting_for_read(request, pk: int) -> Posting:
    require_member(request)
    return get_object_or_404(Posting.objects.select_related("merchant"), pk=pk)


def get_posting_for_screening(request, pk: int) -> Posting:
    require_writer(request)
    return get_object_or_404(Posting.objects.select_related("merchant"), pk=pk)


def get_posting_for_edit(request, pk: int) -> Posting:
    require_leader(request)
    return get_object_or_404(Posting.objects.select_related("merchant"), pk=pk)


def get_application_for_screening(request, pk: int) -> Application:
    require_writer(request)
    return get_object_or_404(Application.objects.select_related("posting"), pk=pk)


def get_application_for_outcome(request, pk: int) -> Application:
    require_leader(request)
    return get_object_or_404(Application.objects.select_related("posting"), pk=pk)


def get_public_posting(pk: int) -> Posting:
    """Published postings only (open, or closed/filled saying so); drafts do not exist."""
    return get_object_or_404(Posting.objects.visible_to_public().select_related("merchant"), pk=pk)


class StatusLinkGone(Exception):
    """A genuine status link that no longer works: revoked by staff, or past its season."""


def get_application_by_token(token: str) -> Application:
    """The application a status link is for. A made-up or tampered token is a 404 that says
    nothing; a real link that was revoked or expired raises StatusLinkGone (shown as such)."""
    reference = application_from_token(token)
    if reference is None:
        raise Http404
    pk, generation = reference
    application = get_object_or_404(Application.objects.select_related("posting", "posting__merchant"), pk=pk)
    if not application.status_link_is_live(generation, timezone.localdate()):
        raise StatusLinkGone
    return application


def get_application_for_link_revoke(request, pk: int) -> Application:
    require_writer(request)
    return get_object_or_404(Application.objects.select_related("posting"), pk=pk)
