"""Who may do what in the sponsors app, in one place.

Members (all four roles) read everything; officers create merchants and log visits, edit
their own visits and the merchants they own; vice-ministers and ministers edit everything,
move cards on the board and change vetting; the advisor reads only.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from outreach import permissions as shared
from outreach import roles
from outreach.models import Member
from outreach.permissions import require_member, require_writer

from .models import Contact, FollowUp, Merchant, MerchantExport, Visit
from .queries import merchant_for_detail


def require_leader(request) -> Member:
    return shared.require_leader(request, _("只有部长和副部长可以这样操作。"))


def can_edit_merchant(user, member: Member | None, merchant: Merchant) -> bool:
    if roles.is_leader(user):
        return True
    return roles.can_write(user) and member is not None and merchant.owner_id == member.pk


def can_edit_visit(user, member: Member | None, visit: Visit) -> bool:
    if roles.is_leader(user):
        return True
    return roles.can_write(user) and member is not None and visit.created_by_id == member.pk


def can_complete_followup(user, member: Member | None, followup: FollowUp) -> bool:
    if roles.is_leader(user):
        return True
    return roles.can_write(user) and member is not None and followup.owner_id == member.pk


def get_merchant_for_view(request: HttpRequest, pk: int) -> Merchant:
    require_member(request)
    return get_object_or_404(merchant_for_detail(pk), pk=pk)


def get_merchant_for_edit(request: HttpRequest, pk: int) -> Merchant:
    member = require_writer(request)
    merchant = get_object_or_404(Merchant.objects.select_related("owner", "industry"), pk=pk)
    if not can_edit_merchant(request.user, member, merchant):
        raise PermissionDenied(_("只有负责人、部长和副部长可以修改这个商家。"))
    return merchant


def get_merchant_for_visit(request: HttpRequest, pk: int) -> Merchant:
    """Any writer may log a visit to any merchant (one may go with the owner, or cover for them)."""
    require_writer(request)
    return get_object_or_404(Merchant, pk=pk)


def get_contact_for_edit(request: HttpRequest, pk: int) -> Contact:
    contact = get_object_or_404(Contact.objects.select_related("merchant"), pk=pk)
    get_merchant_for_edit(request, contact.merchant_id)
    return contact


def get_visit_for_view(request: HttpRequest, pk: int) -> Visit:
    require_member(request)
    return get_object_or_404(
        Visit.objects.with_related().prefetch_related("followups__owner", "followups__done_by"), pk=pk
    )


def get_visit_for_edit(request: HttpRequest, pk: int) -> Visit:
    member = require_writer(request)
    visit = get_object_or_404(Visit.objects.select_related("merchant"), pk=pk)
    if not can_edit_visit(request.user, member, visit):
        raise PermissionDenied(_("只有记录人、部长和副部长可以修改这条拜访记录。"))
    return visit


def get_followup_for_edit(request: HttpRequest, pk: int) -> FollowUp:
    member = require_writer(request)
    followup = get_object_or_404(FollowUp.objects.select_related("merchant"), pk=pk)
    if not can_complete_followup(request.user, member, followup):
        raise PermissionDenied(_("只有负责人、部长和副部长可以处理这条跟进。"))
    return followup


def get_export_for_download(request: HttpRequest, pk: int) -> MerchantExport:
    """A written export, for the member who asked for it and the minister; 404 to anyone else."""
    member = require_member(request)
    export = get_object_or_404(MerchantExport.objects.ready(), pk=pk)
    if export.requested_by_id != member.pk and not roles.is_minister(request.user):
        raise Http404
    return export
