"""A job's pages, under /<lang>/staff/jobs/ (``jobs.views``)."""

from django.urls import path

from jobs import views

app_name = "jobs"
urlpatterns = [
    # str, not uuid: a malformed id gets the same 404 as another user's job.
    path("<str:pk>/", views.detail, name="detail"),
    path("<str:pk>/status", views.status_json, name="status"),
    path("<str:pk>/download", views.download, name="download"),
]
