from django.urls import path

from programmes import feeds, views

app_name = "programmes"
urlpatterns = [
    path("", views.ProgrammeListView.as_view(), name="list"),
    path("<int:pk>/", views.ProgrammeDetailView.as_view(), name="detail"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project"),
    path("feed/", feeds.ObservationFeed(), name="feed"),
    path("data/projects.<str:fmt>", views.open_data, name="open_data"),
]
