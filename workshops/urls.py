from django.urls import path

from workshops import feeds, views

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
    path(
        "recommendations/<int:pk>/update/",
        views.RecommendationFollowUpCreateView.as_view(),
        name="recommendation_update",
    ),
    path("tracker/", views.TrackerView.as_view(), name="tracker"),
    path("tracker/commitments/", views.CommitmentListView.as_view(), name="commitments"),
    path("tracker/commitments/<int:pk>/", views.CommitmentDetailView.as_view(), name="commitment"),
    path(
        "tracker/commitments/<int:pk>/update/", views.FollowUpCreateView.as_view(), name="commitment_update"
    ),
    path("tracker/feed/", feeds.FollowUpFeed(), name="feed"),
    path("tracker/feed/region/<slug:slug>/", feeds.RegionFollowUpFeed(), name="region_feed"),
    path("tracker/feed/commune/<slug:slug>/", feeds.CommuneFollowUpFeed(), name="commune_feed"),
    path("tracker/feed/committee/<str:slug>/", feeds.CommitteeFollowUpFeed(), name="committee_feed"),
    path("tracker/data/<str:dataset>.<str:fmt>", views.open_data, name="open_data"),
]
