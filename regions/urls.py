from django.urls import path

from regions import views

app_name = "regions"
urlpatterns = [
    path("", views.RegionListView.as_view(), name="list"),
    path("<slug:slug>/", views.RegionDetailView.as_view(), name="detail"),
]
