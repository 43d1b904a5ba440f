"""Staff report pages, under /<lang>/reports/ (see ``workshops.report_views``); config/urls.py adds
the bulk attendance export (``attendance.urls``) to the same ``reports`` namespace."""

from django.urls import path

from workshops import report_views

app_name = "reports"
urlpatterns = [
    path("participants/", report_views.DisaggregationView.as_view(), name="participants"),
    path("participants.xlsx", report_views.DisaggregationXlsxView.as_view(), name="participants_xlsx"),
]
