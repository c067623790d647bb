"""The department's own pages (members, training, meetings, scores): namespace "outreach"."""

from django.urls import path
from django.views.generic import RedirectView

from . import dashboard, views

app_name = "outreach"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="outreach:member-list"), name="index"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("members/", views.member_list, name="member-list"),
    path("members/<int:pk>/", views.member_detail, name="member-detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member-edit"),
    path("semesters/", views.semester_list, name="semester-list"),
    path("recruitment/", views.candidate_list, name="candidate-list"),
    path("recruitment/<int:pk>/", views.candidate_detail, name="candidate-detail"),
    path("recruitment/<int:pk>/interview/", views.candidate_interview, name="candidate-interview"),
    path("recruitment/<int:pk>/accept/", views.candidate_accept, name="candidate-accept"),
    path("recruitment/<int:pk>/reject/", views.candidate_reject, name="candidate-reject"),
    path("training/", views.training_list, name="training-list"),
    path("training/new/", views.training_create, name="training-create"),
    path("training/<int:pk>/", views.training_detail, name="training-detail"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/shares/", views.meeting_share_create, name="meeting-share-create"),
    path("experience/", views.experience_list, name="experience-list"),
    path("assignments/", views.assignment_list, name="assignment-list"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment-detail"),
    path("submissions/<int:pk>/review/", views.submission_review, name="submission-review"),
    path("scores/", views.score_ranking, name="score-ranking"),
    path("scores/members/<int:pk>/", views.score_breakdown, name="score-breakdown"),
    path("scores/adjustments/", views.score_adjustment_create, name="score-adjustment-create"),
    path("scores/rules/", views.score_rule_list, name="score-rules"),
    path("reminders/", views.reminder_settings, name="reminder-settings"),
    path("settings/", views.department_profile, name="department-profile"),
    path("handover/", views.handover, name="handover"),
    path("inter-school/", views.interschool, name="interschool"),
    path("summary/", views.semester_summary, name="semester-summary"),
    path("summary/pdf/", views.semester_summary_pdf, name="semester-summary-pdf"),
]
