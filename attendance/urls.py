"""The bulk attendance export, under /<lang>/reports/ with the other staff reports (its URL
names are in the ``reports`` namespace: ``reports:attendance_csv``, ``reports:attendance_xlsx``)."""

from django.urls import path

from attendance import views

report_urlpatterns = [
    path("attendance.csv", views.BulkExportView.as_view(fmt="csv"), name="attendance_csv"),
    path("attendance.xlsx", views.BulkExportView.as_view(fmt="xlsx"), name="attendance_xlsx"),
]
