from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from outreach.locking import VersionedAdmin

from .models import (
    Amendment,
    Benefit,
    BenefitApproval,
    Clause,
    Contract,
    ContractCounter,
    ContractInKind,
    Deliverable,
    Event,
    Evidence,
    Material,
    MerchantLink,
    Payment,
    Proposal,
    ProposalPackage,
)


class BenefitInline(admin.TabularInline):
    model = Benefit
    extra = 0


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    autocomplete_fields = ["merchant"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "starts_on", "sponsorship_target", "owner"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "venue"]
    filter_horizontal = ["industries", "co_organisers"]
    inlines = [BenefitInline, MaterialInline]


class BenefitApprovalInline(admin.TabularInline):
    model = BenefitApproval
    extra = 0


@admin.register(Benefit)
class BenefitAdmin(admin.ModelAdmin):
    list_display = ["__str__", "event", "kind"]
    list_filter = ["kind"]
    list_select_related = ["event"]
    inlines = [BenefitApprovalInline]


class PackageInline(admin.StackedInline):
    model = ProposalPackage
    extra = 0
    filter_horizontal = ["benefits"]


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = ["title", "event", "merchant", "status"]
    list_filter = ["status"]
    list_select_related = ["event", "merchant"]
    autocomplete_fields = ["merchant"]
    inlines = [PackageInline]


class ClauseInline(admin.TabularInline):
    model = Clause
    extra = 0


class InKindInline(admin.TabularInline):
    model = ContractInKind
    extra = 0


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0


@admin.register(Contract)
class ContractAdmin(VersionedAdmin, SimpleHistoryAdmin):
    """Read mostly: the workflow (approval, signing, freezing) lives in the app, not here."""

    list_display = ["number", "merchant", "event", "cash_amount", "status", "signed_on"]
    list_filter = ["status"]
    search_fields = ["number", "merchant__name"]
    list_select_related = ["merchant", "event"]
    readonly_fields = [
        "number",
        "status",
        "approved_by",
        "approved_at",
        "advisor_signed_off_by",
        "advisor_signed_off_at",
        "signed_scan",
    ]
    autocomplete_fields = ["merchant"]
    inlines = [ClauseInline, InKindInline, PaymentInline]


@admin.register(Amendment)
class AmendmentAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "created_by", "created_at"]
    list_select_related = ["contract"]


class EvidenceInline(admin.TabularInline):
    # Uploads are checked and re-encoded by the app's forms (outreach.uploads), not here.
    model = Evidence
    extra = 0
    readonly_fields = ["image"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Deliverable)
class DeliverableAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "contract", "owner", "due_on", "status"]
    list_filter = ["status"]
    list_select_related = ["clause", "contract", "owner"]
    inlines = [EvidenceInline]


@admin.register(MerchantLink)
class MerchantLinkAdmin(admin.ModelAdmin):
    list_display = ["contract", "expires_at", "revoked_at", "created_by"]
    list_select_related = ["contract", "created_by"]


admin.site.register(ContractCounter)
