"""/<lang>/regions/: the public region pages (``workshops.region_views``)."""

from django.urls import path

from workshops import region_views as views

app_name = "regions"
urlpatterns = [
    path("", views.RegionListView.as_view(), name="list"),
    path("<slug:slug>/", views.RegionDetailView.as_view(), name="detail"),
]
