"""/<lang>/regions/: the public region pages (``workshops.region_views``)."""

from django.urls import path

from workshops import region_views as views

app_name = "regions"
urlpatterns = [
    path("", views.RegionListView.as_view(), name="list"),
    path("communes/", views.CommuneListView.as_view(), name="communes"),
    path("communes/<slug:slug>/", views.CommuneDetailView.as_view(), name="commune"),
    path("communes/<slug:slug>/data.<str:fmt>", views.commune_data, name="commune_data"),
    path("provinces/<str:code>/", views.ProvinceDetailView.as_view(), name="province"),
    path("<slug:slug>/", views.RegionDetailView.as_view(), name="detail"),
]
