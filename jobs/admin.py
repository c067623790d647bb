from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from outreach.locking import VersionedAdmin

from .models import Application, EmployerRating, Posting, Season


@admin.register(Season)
class SeasonAdmin(admin.ModelAdmin):
    list_display = ["kind", "outreach_month", "outreach_day", "work_month", "work_day", "note"]
    list_editable = ["outreach_month", "outreach_day", "work_month", "work_day"]


@admin.register(Posting)
class PostingAdmin(VersionedAdmin, SimpleHistoryAdmin):
    list_display = ["title", "merchant", "season", "status", "headcount", "deadline"]
    list_filter = ["status", "season"]
    search_fields = ["title", "merchant__name"]
    raw_id_fields = ["merchant", "created_by"]


@admin.register(Application)
class ApplicationAdmin(VersionedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "student_number", "posting", "screening", "outcome"]
    list_filter = ["screening", "outcome"]
    search_fields = ["name", "student_number"]
    raw_id_fields = ["posting", "screened_by", "sent_by"]


@admin.register(EmployerRating)
class EmployerRatingAdmin(admin.ModelAdmin):
    list_display = ["merchant", "score", "member", "created_at"]
    raw_id_fields = ["merchant", "posting", "member"]
