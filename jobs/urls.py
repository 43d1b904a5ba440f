"""A job's pages, under /<lang>/staff/jobs/ (``jobs.views``)."""

from django.urls import path

from jobs import views

app_name = "jobs"
urlpatterns = [
    # str, not uuid: a malformed id gets the same 404 as another user's job.
    path("<str:pk>/", views.JobView.as_view(), name="detail"),
    path("<str:pk>/status", views.StatusView.as_view(), name="status"),
    path("<str:pk>/download", views.DownloadView.as_view(), name="download"),
]
