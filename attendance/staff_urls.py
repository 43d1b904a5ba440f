"""Staff pages under /<lang>/staff/ (``attendance.roster_views``): the staff home and each
workshop's roster. Other staff pages of a workshop (check-in, certificates) may add their URLs
here, under ``workshops/<slug>/``."""

from django.urls import path

from attendance import roster_views as views

app_name = "staff"
urlpatterns = [
    path("", views.StaffHomeView.as_view(), name="home"),
    path("workshops/<str:slug>/roster/", views.RosterView.as_view(), name="roster"),
    path("workshops/<str:slug>/roster/mark", views.MarkView.as_view(), name="roster_mark"),
    path("workshops/<str:slug>/roster/people", views.PeopleView.as_view(), name="roster_people"),
    path("workshops/<str:slug>/roster/add", views.AddKnownView.as_view(), name="roster_add_known"),
    path("workshops/<str:slug>/roster/new", views.AddNewView.as_view(), name="roster_add_new"),
    path("workshops/<str:slug>/roster/bulk", views.BulkView.as_view(), name="roster_bulk"),
]
