from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from outreach.locking import VersionedAdmin

from .models import Contact, FollowUp, Industry, Merchant, StageChange, Tag, Visit, VisitPhoto


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order"]
    list_editable = ["sort_order"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Merchant)
class MerchantAdmin(VersionedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "industry", "stage", "vetting_status", "owner"]
    list_filter = ["stage", "vetting_status", "kind", "industry"]
    search_fields = ["name", "phone", "contacts__name"]
    list_select_related = ["industry", "owner"]
    autocomplete_fields = ["tags"]
    inlines = [ContactInline]
    # Stage and vetting change through the app so each change is recorded the same way.
    readonly_fields = ["stage", "vetting_status", "vetted_by", "vetted_at", "blacklist_reason"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # as the app's form does


class VisitPhotoInline(admin.TabularInline):
    model = VisitPhoto
    extra = 0


@admin.register(Visit)
class VisitAdmin(SimpleHistoryAdmin):
    list_display = ["merchant", "visited_at", "method", "purpose", "outcome", "created_by"]
    list_filter = ["method", "purpose", "outcome"]
    search_fields = ["merchant__name", "notes", "lesson"]
    list_select_related = ["merchant", "created_by"]
    inlines = [VisitPhotoInline]


@admin.register(FollowUp)
class FollowUpAdmin(VersionedAdmin, SimpleHistoryAdmin):
    list_display = ["description", "merchant", "owner", "due_on", "done_at"]
    list_filter = ["due_on"]
    list_select_related = ["merchant", "owner"]


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    list_display = ["merchant", "from_stage", "to_stage", "changed_by", "created_at"]
    list_select_related = ["merchant", "changed_by"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False
