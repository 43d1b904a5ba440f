"""Signed-in staff find the admin, the rosters and the reports from the public pages; visitors
get the same cached page as before, with none of it."""

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import translation

from tests.conftest import _grant

pytestmark = pytest.mark.django_db

STAFF_NAV = 'aria-label="Staff pages"'


@pytest.fixture
def page_cache(settings, tmp_path):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "figures"},
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        },
    }
    settings.CACHE_MIDDLEWARE_SECONDS = 60
    caches["pages"].clear()


def home():
    with translation.override("en"):
        return reverse("workshops:home")


def test_anonymous_visitors_see_no_staff_links_on_a_page_cached_for_all(client, page_cache):
    response = client.get(home())
    assert STAFF_NAV not in response.content.decode()
    # Stored for everyone (public), revalidated by browsers (config.pagecache.RevalidateMiddleware).
    assert response["Cache-Control"] == "public, no-cache" and response.has_header("ETag")


def test_staff_see_the_admin_and_reports_even_when_the_page_is_cached_for_visitors(
    client, page_cache, staff_user
):
    assert STAFF_NAV not in client.get(home()).content.decode()  # now in the cache
    _grant(staff_user, "workshops.view_participation")
    client.force_login(staff_user)
    response = client.get(home())
    html = response.content.decode()
    assert STAFF_NAV in html
    assert f'href="{reverse("admin:index")}"' in html
    assert f'href="{reverse("reports:participants")}"' in html
    assert "private" in response["Cache-Control"]
    client.logout()
    assert STAFF_NAV not in client.get(home()).content.decode()


def test_staff_without_the_report_permission_get_no_report_link(client, staff_user):
    client.force_login(staff_user)
    html = client.get(home()).content.decode()
    assert STAFF_NAV in html and reverse("reports:participants") not in html


def test_a_signed_in_user_who_is_not_staff_gets_no_staff_links(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("volunteer", password="x"))
    assert STAFF_NAV not in client.get(home()).content.decode()


def test_staff_links_are_translated(client, staff_user):
    client.force_login(staff_user)
    with translation.override("fr"):
        html = client.get(reverse("workshops:home")).content.decode()
    assert 'aria-label="Pages de l’équipe"' in html and ">Administration</a>" in html
