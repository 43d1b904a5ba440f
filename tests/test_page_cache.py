"""Whole public pages are cached for visitors who are not signed in (Django's cache
middleware, ``settings.CACHES["pages"]``), emptied by every change the staff make, and never
kept for a signed-in user."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.factories import CommitmentFactory, ParticipationFactory, RecommendationFactory, WorkshopFactory
from workshops import reports
from workshops.models import Recommendation

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings, tmp_path):
    """The page cache on, in files as in production (the figures in the database table)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "tracker_cache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        },
    }
    settings.CACHE_MIDDLEWARE_SECONDS = 60
    caches["default"].clear()
    caches["pages"].clear()
    return caches["pages"]


def get(client, path):
    """``(response, number of queries)``."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return response, len(queries)


def public_paths(workshop, commitment):
    with translation.override("fr"):
        return [
            reverse("workshops:home"),
            reverse("regions:list"),
            reverse("regions:detail", kwargs={"slug": "fes-meknes"}),
            reverse("workshops:list") + "?page=1",
            workshop.get_absolute_url(),
            reverse("workshops:tracker"),
            commitment.get_absolute_url(),
        ]


def test_a_public_page_is_served_again_from_the_cache_without_a_query(client, page_cache, example):
    commitment = CommitmentFactory(recommendation=RecommendationFactory(workshop=example))
    for path in public_paths(example, commitment):
        first, first_queries = get(client, path)
        again, queries = get(client, path)
        assert first_queries > 2, path
        assert queries == 0, path
        assert again.content == first.content
        # Browsers ask again each time (and get a 304 while the page is the same).
        assert again["Cache-Control"] == "public, no-cache"
        assert again["ETag"] == first["ETag"]
        # Nothing ties the page to one visitor: no cookie, no CSRF token.
        assert not first.cookies and b"csrfmiddlewaretoken" not in first.content, path


def test_a_change_in_the_admin_shows_at_once(client, admin_client, page_cache, example):
    recommendations = Recommendation.objects.public().filter(workshop=example).count()
    with translation.override("fr"):
        path = example.get_absolute_url()
    before = get(client, path)[0].content.decode()
    recommendation = example.recommendations.first()
    delete = reverse("admin:workshops_recommendation_delete", args=[recommendation.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    after = get(client, path)[0].content.decode()
    assert recommendation.text in before
    assert recommendation.text not in after
    assert Recommendation.objects.public().filter(workshop=example).count() == recommendations - 1


def test_forgetting_public_figures_empties_the_page_cache(client, page_cache, example):
    path = reverse("workshops:home")
    get(client, path)
    ParticipationFactory(workshop=example)
    assert get(client, path)[1] == 0  # still the cached page
    reports.forget_public_figures()
    assert get(client, path)[1] > 2


def test_pages_of_a_signed_in_user_are_private_and_never_stored(client, staff_user, page_cache, example):
    commitment = CommitmentFactory(recommendation=RecommendationFactory(workshop=example))
    staff_user.user_permissions.add(*_permissions("add_followup"))
    client.force_login(staff_user)
    with translation.override("fr"):
        path = commitment.get_absolute_url()
    response, _queries = get(client, path)
    assert "private" in response["Cache-Control"]
    # The staff's page (with the quick update form) was not stored for anyone else.
    form = reverse("workshops:commitment_update", kwargs={"pk": commitment.pk}).encode()
    assert form in response.content
    client.logout()
    public, queries = get(client, path)
    assert queries > 2
    assert form not in public.content
    assert "private" not in public.get("Cache-Control", "")


def test_with_the_page_cache_off_nothing_is_stored(client, settings, example):
    assert settings.CACHE_MIDDLEWARE_SECONDS == 0  # the tests' default (conftest)
    path = reverse("workshops:home")
    get(client, path)
    assert get(client, path)[1] > 2


def test_the_language_switcher_links_to_the_same_page_in_each_language(client, example):
    with translation.override("fr"):
        path = reverse("workshops:list") + "?page=1"
    content = get(client, path)[0].content.decode()
    for code in ("ar", "fr", "en"):
        assert f'href="/{code}/workshops/?page=1" hreflang="{code}"' in content


def _permissions(*codenames):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(codename__in=codenames, content_type__app_label="workshops")


def test_a_change_outside_the_admin_waits_for_the_next_admin_change(
    client, admin_client, page_cache, example
):
    """A change made in the shell or by a command does not empty the cache (up to
    CACHE_MIDDLEWARE_SECONDS late); the next change made through the admin does."""
    with translation.override("fr"):
        path = reverse("workshops:list")
    get(client, path)
    WorkshopFactory(title="Atelier tout neuf", organizer=example.organizer)
    assert "Atelier tout neuf" not in get(client, path)[0].content.decode()
    recommendation = example.recommendations.first()
    delete = reverse("admin:workshops_recommendation_delete", args=[recommendation.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert "Atelier tout neuf" in get(client, path)[0].content.decode()


@pytest.mark.parametrize(
    ("env", "seconds"),
    [
        ({"DJANGO_DEBUG": "0"}, "120"),
        ({"DJANGO_DEBUG": "0", "PUBLIC_FIGURES_CACHE_SECONDS": "30"}, "30"),
        ({"DJANGO_DEBUG": "0", "PAGE_CACHE_SECONDS": "0"}, "0"),
        ({"DJANGO_DEBUG": "1"}, "0"),
    ],
)
def test_the_page_cache_is_on_in_production_and_off_while_debugging(env, seconds):
    """Production keeps pages as long as the figures; a developer editing templates (DEBUG on)
    sees every change at once."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PAGE_CACHE", "PUBLIC_FIGURES"))
    }
    clean.update(DJANGO_SECRET_KEY="test-only-not-secret", ERASURE_HASH_KEY="test-only-not-secret", **env)
    result = subprocess.run(
        [sys.executable, "-c", "from config import settings; print(settings.CACHE_MIDDLEWARE_SECONDS)"],
        cwd=Path(__file__).resolve().parents[1],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == seconds, result.stderr
