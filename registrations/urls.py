from django.urls import path

from registrations import views

app_name = "registrations"
# Workshop slugs may be Arabic (allow_unicode), which <slug:> would refuse.
urlpatterns = [
    path("communes/<int:province>/", views.communes_view, name="communes"),
    path("<str:slug>/", views.register_view, name="register"),
    path("<str:slug>/done/", views.done_view, name="done"),
]

# Staff pages, under /<lang>/reports/registration/ with the other staff pages that are not the
# admin's (kept off by robots.txt, fuzzed with the staff pages).
staff_urlpatterns = [
    path("registration/<int:pk>/", views.link_view, name="registration_link"),
    path("registration/<int:pk>/qr.<str:fmt>", views.link_qr_view, name="registration_link_qr"),
]
