from django.urls import path

from . import views

app_name = "sponsors"

urlpatterns = [
    path("", views.merchant_list, name="merchant-list"),
    path("new/", views.merchant_create_view, name="merchant-create"),
    path("duplicates/", views.merchant_duplicates, name="merchant-duplicates"),
    path("search/", views.merchant_search, name="merchant-search"),
    path("warnings/", views.merchant_warnings, name="merchant-warnings"),
    path("board/", views.board, name="board"),
    path("import/", views.merchant_import, name="import"),
    path("import/confirm/", views.merchant_import_confirm, name="import-confirm"),
    path("export/", views.merchant_export, name="export"),
    path("exports/<int:pk>/", views.merchant_export_download, name="export-download"),
    path("<int:pk>/", views.merchant_detail, name="merchant-detail"),
    path("<int:pk>/edit/", views.merchant_edit, name="merchant-edit"),
    path("<int:pk>/stage/", views.merchant_stage, name="merchant-stage"),
    path("<int:pk>/vetting/", views.merchant_vetting, name="merchant-vetting"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact-create"),
    path("<int:pk>/followups/new/", views.followup_create_view, name="followup-create"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact-edit"),
    path("contacts/<int:pk>/delete/", views.contact_delete_view, name="contact-delete"),
    path("visits/", views.visit_list, name="visit-list"),
    path("visits/search/", views.visit_search, name="visit-search"),
    path("visits/new/", views.visit_create, name="visit-create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit-detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit-edit"),
    path("followups/", views.followup_list, name="followups"),
    path("followups/<int:pk>/done/", views.followup_done, name="followup-done"),
]
