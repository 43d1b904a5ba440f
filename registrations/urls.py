from django.urls import path

from registrations import views

app_name = "registrations"
# Workshop slugs may be Arabic (allow_unicode), which <slug:> would refuse.
urlpatterns = [
    path("communes/<int:province>/", views.communes_view, name="communes"),
    path("link/<int:pk>/", views.link_view, name="link"),
    path("link/<int:pk>/qr.<str:fmt>", views.link_qr_view, name="link_qr"),
    path("<str:slug>/", views.register_view, name="register"),
    path("<str:slug>/done/", views.done_view, name="done"),
]
