from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("", views.posting_list, name="posting-list"),
    path("seasons/", views.season_list, name="season-list"),
    path("postings/new/", views.posting_create, name="posting-create"),
    path("postings/<int:pk>/", views.posting_detail, name="posting-detail"),
    path("postings/<int:pk>/edit/", views.posting_edit, name="posting-edit"),
    path("postings/<int:pk>/status/", views.posting_status, name="posting-status"),
    path("postings/<int:pk>/screening/", views.screening, name="screening"),
    path("postings/<int:pk>/send/", views.send_to_interview, name="send-to-interview"),
    path("postings/<int:pk>/rate/", views.rating_create, name="rating-create"),
    path("postings/<int:pk>/interview.xlsx", views.interview_export, name="interview-export"),
    path("applications/", views.application_list, name="application-list"),
    path("applications/<int:pk>/screen/", views.application_screen_view, name="application-screen"),
    path("applications/<int:pk>/outcome/", views.application_outcome, name="application-outcome"),
    path("applications/<int:pk>/revoke-link/", views.application_revoke_link, name="application-revoke-link"),
    # Public: no account needed.
    path("open/", views.public_list, name="public-list"),
    path("open/<int:pk>/", views.public_posting, name="public-posting"),
    path("open/<int:pk>/apply/", views.apply, name="apply"),
    path("open/<int:pk>/notice.pdf", views.notice_pdf, name="notice-pdf"),
    path("status/<str:token>/", views.application_status, name="application-status"),
    path("status/<str:token>/edit/", views.application_edit, name="application-edit"),
]
