from django.urls import path

from workshops import views

app_name = "workshops"
# Workshop and committee slugs may be Arabic (allow_unicode), which <slug:> would refuse.
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("workshops/", views.WorkshopListView.as_view(), name="list"),
    path("workshops/<str:slug>/", views.WorkshopDetailView.as_view(), name="detail"),
    path("recommendations/", views.RecommendationListView.as_view(), name="recommendations"),
    path("recommendations/<int:pk>/", views.RecommendationDetailView.as_view(), name="recommendation"),
    path("committees/", views.CommitteeListView.as_view(), name="committees"),
    path("committees/<str:slug>/", views.CommitteeDetailView.as_view(), name="committee"),
]
