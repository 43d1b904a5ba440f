"""Staff report pages, under /<lang>/reports/ (see ``workshops.report_views``)."""

from django.urls import path

from workshops import report_views

app_name = "reports"
urlpatterns = [
    path("participants/", report_views.DisaggregationView.as_view(), name="participants"),
    path("participants.xlsx", report_views.DisaggregationXlsxView.as_view(), name="participants_xlsx"),
    path("attendance.csv", report_views.AttendanceExportView.as_view(fmt="csv"), name="attendance_csv"),
    path("attendance.xlsx", report_views.AttendanceExportView.as_view(fmt="xlsx"), name="attendance_xlsx"),
]
