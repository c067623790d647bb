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
    list_display = ["title", "recipient", "created_at", "read_at", "sent_at", "attempts"]
    list_select_related = ["recipient"]
    search_fields = ["title", "key"]


# --- The department's record (issue 6)

from .models import (  # noqa: E402
    Assignment,
    Candidate,
    ExperienceShare,
    Meeting,
    MeetingAttendance,
    ScoreAdjustment,
    ScoreRule,
    Semester,
    Submission,
    TrainingAttendance,
    TrainingSession,
)


@admin.register(Semester)
class SemesterAdmin(admin.ModelAdmin):
    list_display = ["name", "start_date", "end_date"]


@admin.register(Candidate)
class CandidateAdmin(SimpleHistoryAdmin):
    list_display = ["name", "student_number", "status", "interview_at", "member"]
    list_filter = ["status", "direction"]
    search_fields = ["name", "student_number", "mobile"]


class TrainingAttendanceInline(admin.TabularInline):
    model = TrainingAttendance
    extra = 0
    autocomplete_fields = ["member"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "kind", "speaker"]
    list_filter = ["kind"]
    readonly_fields = ["materials"]  # uploaded through the app, which checks the file
    inlines = [TrainingAttendanceInline]


class MeetingAttendanceInline(admin.TabularInline):
    model = MeetingAttendance
    extra = 0
    autocomplete_fields = ["member"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "date"]
    inlines = [MeetingAttendanceInline]


@admin.register(ExperienceShare)
class ExperienceShareAdmin(admin.ModelAdmin):
    list_display = ["topic", "member", "meeting", "merchant", "tags"]
    list_select_related = ["member", "meeting", "merchant"]
    search_fields = ["topic", "lesson", "tags"]
    raw_id_fields = ["merchant", "visit", "meeting"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["title", "due_date", "created_by"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["assignment", "member", "submitted_on", "score", "reviewed_by"]
    list_select_related = ["assignment", "member", "reviewed_by"]
    readonly_fields = ["file"]  # uploaded through the app, which checks the file


@admin.register(ScoreRule)
class ScoreRuleAdmin(SimpleHistoryAdmin):
    list_display = ["metric", "points", "active", "note"]


@admin.register(ScoreAdjustment)
class ScoreAdjustmentAdmin(SimpleHistoryAdmin):
    list_display = ["member", "semester", "points", "reason", "created_by"]
    list_select_related = ["member", "semester", "created_by"]


# --- Reminders (the minister edits the rules on /department/reminders/)

from .models import ChatMessage, GroupChat, ReminderRule  # noqa: E402


@admin.register(ReminderRule)
class ReminderRuleAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "active", "days", "repeat_days", "to_responsible", "to_ministers", "email", "group_chat"]


@admin.register(GroupChat)
class GroupChatAdmin(SimpleHistoryAdmin):
    list_display = ["platform", "active"]


@admin.register(ChatMessage)
class ChatMessageAdmin(admin.ModelAdmin):
    list_display = ["key", "created_at", "sent_at", "attempts"]
    readonly_fields = ["key", "text", "sent_at", "attempts", "last_error"]
