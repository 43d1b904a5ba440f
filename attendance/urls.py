"""The bulk attendance export, under /<lang>/reports/ with the other staff reports (its URL
names are in the ``reports`` namespace: ``reports:attendance_csv``, ``reports:attendance_xlsx``),
and the public certificate check (``attendance:verify``, /<lang>/certificates/<code>/)."""

from django.urls import path

from attendance import certificate_views, views

app_name = "attendance"
# Any text is taken as a code, so that a malformed one gets the same 404 as an unknown one.
urlpatterns = [
    path("certificates/<str:code>/", certificate_views.verify, name="verify"),
]

report_urlpatterns = [
    path("attendance.csv", views.BulkExportView.as_view(fmt="csv"), name="attendance_csv"),
    path("attendance.xlsx", views.BulkExportView.as_view(fmt="xlsx"), name="attendance_xlsx"),
]
