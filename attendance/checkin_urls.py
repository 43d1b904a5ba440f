"""The check-in web app of one workshop, under ``/<lang>/staff/workshops/<slug>/checkin/``
(``attendance.checkin_views``). The service worker sits in the page's folder: its scope is the
page's."""

from django.urls import path

from attendance import checkin_views

app_name = "checkin"
urlpatterns = [
    path("", checkin_views.CheckInPageView.as_view(), name="page"),
    path("roster.json", checkin_views.RosterView.as_view(), name="roster"),
    path("sync", checkin_views.SyncView.as_view(), name="sync"),
    path("manifest.webmanifest", checkin_views.ManifestView.as_view(), name="manifest"),
    path("sw.js", checkin_views.ServiceWorkerView.as_view(), name="worker"),
]
