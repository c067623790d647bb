"""Who may see and do what in events: every view asks here first."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from outreach import permissions as shared
from outreach import roles
from outreach.models import Member
from outreach.permissions import require_member, require_writer

from .models import BenefitApproval, Contract, Deliverable, Event, Evidence, Material, MerchantLink, Payment, Proposal
from .queries import contract_for_detail, event_for_detail, proposal_for_detail


def require_minister(request) -> Member:
    return shared.require_minister(request, _("只有部长可以审批合同。"))


def require_advisor(request) -> Member:
    return shared.require_role(request, roles.Role.ADVISOR, _("只有指导老师可以签批合同。"))


def require_leader(request) -> Member:
    return shared.require_leader(request, _("只有副部长或部长可以核实落实情况。"))


def get_event(request, pk: int) -> Event:
    require_member(request)
    return get_object_or_404(Event, pk=pk)


def get_event_for_detail(request, pk: int) -> Event:
    require_member(request)
    try:
        return event_for_detail(pk)
    except Event.DoesNotExist:
        raise Http404 from None


def get_event_for_edit(request, pk: int) -> Event:
    require_writer(request)
    return get_object_or_404(Event, pk=pk)


def get_approval_for_edit(request, pk: int) -> BenefitApproval:
    require_writer(request)
    return get_object_or_404(BenefitApproval.objects.select_related("benefit__event"), pk=pk)


def get_proposal(request, pk: int) -> Proposal:
    require_member(request)
    try:
        return proposal_for_detail(pk)
    except Proposal.DoesNotExist:
        raise Http404 from None


def get_proposal_for_edit(request, pk: int) -> Proposal:
    require_writer(request)
    return get_object_or_404(Proposal.objects.select_related("event", "merchant"), pk=pk)


def get_contract(request, pk: int):
    require_member(request)
    try:
        return contract_for_detail(pk)
    except Contract.DoesNotExist:
        raise Http404 from None


def get_contract_for_edit(request, pk: int):
    """Writers only; whether the contract may still change is the services' call (frozen once approved)."""
    require_writer(request)
    return get_object_or_404(Contract.objects.for_detail(), pk=pk)


def get_contract_for_approval(request, pk: int):
    require_minister(request)
    return get_object_or_404(Contract.objects.for_detail(), pk=pk)


def get_contract_for_signoff(request, pk: int):
    require_advisor(request)
    return get_object_or_404(Contract.objects.for_detail(), pk=pk)


def get_deliverable_for_complete(request, pk: int) -> Deliverable:
    require_writer(request)
    return get_object_or_404(Deliverable.objects.select_related("contract", "clause", "owner"), pk=pk)


def get_deliverable_for_verify(request, pk: int) -> Deliverable:
    require_leader(request)
    return get_object_or_404(Deliverable.objects.select_related("contract", "clause"), pk=pk)


def get_evidence(request, pk: int) -> Evidence:
    require_member(request)
    return get_object_or_404(Evidence, pk=pk)


def get_payment_for_edit(request, pk: int) -> Payment:
    require_writer(request)
    return get_object_or_404(Payment.objects.select_related("contract"), pk=pk)


def get_material_for_edit(request, pk: int) -> Material:
    require_writer(request)
    return get_object_or_404(Material.objects.select_related("event"), pk=pk)


def get_link_for_edit(request, pk: int) -> MerchantLink:
    require_writer(request)
    return get_object_or_404(MerchantLink.objects.select_related("contract"), pk=pk)


def get_amendment(request, pk: int):
    from .models import Amendment

    require_member(request)
    return get_object_or_404(Amendment.objects.select_related("contract__merchant", "contract__event"), pk=pk)
