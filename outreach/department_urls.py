"""The department's own pages (members, training, meetings, scores): namespace "outreach"."""

from django.urls import path  # noqa: F401

app_name = "outreach"

urlpatterns: list = []
