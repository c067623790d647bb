from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Member, Notification, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "direction"]


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ["display_name", "user", "team", "direction", "mobile", "is_active"]
    list_filter = ["is_active", "team", "direction"]
    search_fields = ["display_name", "student_number", "user__username", "mobile"]
    list_select_related = ["user", "team"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "created_at", "read_at", "emailed_at"]
    list_select_related = ["recipient"]
    search_fields = ["title", "key"]
