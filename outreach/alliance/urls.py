from django.urls import path

from . import views

app_name = "alliance"

urlpatterns = [
    path("", views.home, name="home"),
    path("peers/new/", views.peer_create, name="peer-create"),
    path("peers/<int:pk>/edit/", views.peer_edit, name="peer-edit"),
    path("peers/<int:pk>/pull/", views.peer_pull, name="peer-pull"),
    path("share/<str:kind>/", views.share, name="share"),
    path("shared/<int:pk>/retract/", views.shared_retract, name="shared-retract"),
    path("export/", views.export_preview, name="export-preview"),
    path("export/bundle.json", views.export_bundle, name="export"),
    path("import/", views.import_bundle, name="import"),
    path("entries/<int:pk>/adopt/", views.adopt, name="adopt"),
    path("feed.json", views.feed, name="feed"),
]
