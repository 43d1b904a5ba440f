"""Invalidation that matches the change (``config.pagecache``), validators on public pages, one
computation per public figure at a time (``workshops.reports.compute_once``) and the shared
Redis cache when ``REDIS_URL`` is set."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from config import pagecache
from regions.models import Region
from tests.factories import CommitmentFactory, RecommendationFactory, WorkshopFactory
from tests.test_page_cache import page_cache  # noqa: F401 (fixture, used by cached_pages)
from workshops import reports


@pytest.fixture
def cached_pages(page_cache, settings):  # noqa: F811 (the fixture imported above)
    """The page cache on in files as in production (``tests.test_page_cache``), and the public
    figures cached too."""
    settings.PUBLIC_FIGURES_CACHE_SECONDS = 60
    return page_cache


def queries(client, path, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers)
    assert response.status_code in (200, 304), path
    return len(captured)


def post_follow_up(client, django_user_model, subject, status):
    """Post a follow-up moving ``subject`` (a commitment or a recommendation) to ``status``
    through the quick update form, as a member of staff."""
    updater = django_user_model.objects.create_user("updater", password="x", is_staff=True)
    updater.user_permissions.add(Permission.objects.get(codename="add_followup"))
    staff = type(client)()
    staff.force_login(updater)
    name = (
        "workshops:commitment_update"
        if hasattr(subject, "recommendation")
        else "workshops:recommendation_update"
    )
    response = staff.post(
        reverse(name, kwargs={"pk": subject.pk}),
        {"date": "2026-11-20", "new_status": status, "note": "Réunion tenue à Fès"},
    )
    assert response.status_code == 302


def region_page(slug):
    with translation.override("fr"):
        return reverse("regions:detail", kwargs={"slug": slug})


@pytest.mark.django_db
def test_a_quick_update_forgets_the_pages_that_show_it_not_the_others(
    client, django_user_model, cached_pages, example
):
    commitment = CommitmentFactory(recommendation=RecommendationFactory(workshop=example))
    commitment.target_regions.add(Region.objects.get(slug="fes-meknes"))
    other = WorkshopFactory(title="ورشة الحكامة المحلية بوجدة", is_published=True)
    with translation.override("fr"):
        shown = [
            example.get_absolute_url(),
            reverse("workshops:tracker"),
            reverse("workshops:commitments"),
            reverse("workshops:feed"),
            region_page("fes-meknes"),
            commitment.get_absolute_url(),
        ]
        # Counts of people and workshops do not move with progress, nor do the open
        # commitments per region while the commitment stays open.
        unrelated = [
            other.get_absolute_url(),
            reverse("workshops:home"),
            reverse("workshops:list"),
            reverse("regions:list"),
            region_page("oriental"),
        ]
    cache_each(client, [*shown, *unrelated])
    post_follow_up(client, django_user_model, commitment, "limited")
    for path in shown:
        assert queries(client, path) > 0, path  # built again: it shows the change
    for path in unrelated:
        assert queries(client, path) == 0, path


@pytest.mark.django_db
def test_closing_a_commitment_forgets_the_home_page_and_the_regions_list(
    client, django_user_model, cached_pages, example
):
    commitment = CommitmentFactory(recommendation=RecommendationFactory(workshop=example))
    commitment.target_regions.add(Region.objects.get(slug="fes-meknes"))
    with translation.override("fr"):
        overview = [reverse("workshops:home"), reverse("regions:list")]
    cache_each(client, [*overview, region_page("oriental")])
    post_follow_up(client, django_user_model, commitment, "complete")  # one open commitment less
    for path in overview:
        assert queries(client, path) > 0, path
    assert queries(client, region_page("oriental")) == 0


@pytest.mark.django_db
def test_a_recommendation_whose_status_moves_forgets_the_home_page_its_counts(
    client, django_user_model, cached_pages, example
):
    recommendation = RecommendationFactory(workshop=example)
    with translation.override("fr"):
        home, regions = reverse("workshops:home"), reverse("regions:list")
    cache_each(client, [home, regions])
    post_follow_up(client, django_user_model, recommendation, "substantial")
    assert queries(client, home) > 0  # recommendations counted by status
    assert queries(client, regions) == 0  # no recommendation there


@pytest.mark.django_db
def test_forgetting_without_a_workshop_forgets_every_public_page(client, cached_pages, example):
    other = WorkshopFactory(title="Atelier d'Agadir", is_published=True)
    with translation.override("ar"):
        path = other.get_absolute_url()
    queries(client, path)
    assert queries(client, path) == 0
    reports.forget_public_figures()
    assert queries(client, path) > 0


@pytest.mark.django_db
def test_a_public_page_has_an_etag_and_answers_304_without_a_query(client, cached_pages, example):
    with translation.override("fr"):
        path = reverse("workshops:home")
    first = client.get(path)
    assert first["Cache-Control"] == "public, no-cache"
    assert "Expires" not in first
    assert first["ETag"]
    with CaptureQueriesContext(connection) as captured:
        again = client.get(path, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert len(captured) == 0
    changed = client.get(path, headers={"If-None-Match": '"not-this-one"'})
    assert changed.status_code == 200
    assert changed.content == first.content


@pytest.mark.django_db
def test_a_signed_in_page_stays_private(client, admin_user, cached_pages, example):
    client.force_login(admin_user)
    with translation.override("fr"):
        response = client.get(reverse("workshops:home"))
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_two_simultaneous_misses_compute_a_figure_once(settings):
    settings.PUBLIC_FIGURES_CACHE_SECONDS = 60
    settings.PUBLIC_FIGURES_LOCK_SECONDS = 30
    calls = []
    computing = threading.Event()
    release = threading.Event()

    def compute():
        calls.append(1)
        computing.set()
        release.wait(10)
        return {"participants": 1234, "region": "درعة تافيلالت"}

    results = []
    first = threading.Thread(target=lambda: results.append(reports.cached("slow-figure", compute)))
    second = threading.Thread(target=lambda: results.append(reports.cached("slow-figure", compute)))
    first.start()
    assert computing.wait(10)
    second.start()
    time.sleep(0.2)  # let the second request find the lock and wait
    release.set()
    first.join(10)
    second.join(10)
    assert len(calls) == 1
    assert results == [{"participants": 1234, "region": "درعة تافيلالت"}] * 2


def test_a_figure_is_computed_again_after_the_figures_are_forgotten(settings, db):
    settings.PUBLIC_FIGURES_CACHE_SECONDS = 60
    values = iter([1, 2])
    assert reports.cached("counter", lambda: next(values)) == 1
    assert reports.cached("counter", lambda: next(values)) == 1
    reports.forget_public_figures()
    assert reports.cached("counter", lambda: next(values)) == 2


def test_a_follow_up_keeps_the_figures_that_count_people_a_change_of_attendance_does_not(settings, db):
    settings.PUBLIC_FIGURES_CACHE_SECONDS = 60
    workshop = WorkshopFactory()
    people, other = iter([1, 2, 3]), iter(["a", "b", "c"])
    assert reports.cached("people", lambda: next(people), people=True) == 1
    assert reports.cached("commitments", lambda: next(other)) == "a"
    reports.forget_public_figures(workshop, people=False)  # what a follow-up does
    assert reports.cached("people", lambda: next(people), people=True) == 1
    assert reports.cached("commitments", lambda: next(other)) == "b"
    reports.forget_public_figures(workshop)  # a participant or a mark changed
    assert reports.cached("people", lambda: next(people), people=True) == 2
    assert reports.cached("commitments", lambda: next(other)) == "c"
    reports.forget_public_figures()  # everything
    assert reports.cached("people", lambda: next(people), people=True) == 3


def settings_in_a_new_process(env, expression):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_URL"))}
    clean.update(DJANGO_SECRET_KEY="test-only-not-secret", ERASURE_HASH_KEY="test-only-not-secret", **env)
    result = subprocess.run(
        [sys.executable, "-c", f"from config import settings; print({expression})"],
        cwd=Path(__file__).resolve().parents[1],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout.strip(), result.stderr


def test_redis_url_puts_both_caches_in_redis_and_its_absence_keeps_the_embedded_default():
    expression = (
        "sorted((a, c['BACKEND'].rsplit('.', 1)[1], c.get('LOCATION')) for a, c in settings.CACHES.items())"
    )
    shared, error = settings_in_a_new_process({"REDIS_URL": "redis://127.0.0.1:6390/2"}, expression)
    assert shared == str(
        [
            ("default", "RedisCache", "redis://127.0.0.1:6390/2"),
            ("pages", "RedisCache", "redis://127.0.0.1:6390/2"),
        ]
    ), error
    embedded, error = settings_in_a_new_process({}, "[c['BACKEND'] for c in settings.CACHES.values()]")
    assert "RedisCache" not in embedded and "FileBasedCache" in embedded, error


@pytest.mark.django_db
def test_while_a_page_is_built_again_other_visitors_get_the_previous_copy(client, cached_pages, example):
    with translation.override("fr"):
        path = reverse("workshops:tracker")
    before = client.get(path).content
    reports.forget_public_figures(example)
    building = pagecache.latest_key("http://testserver" + path) + ":building"
    assert caches["pages"].add(building, 1, 60)  # another request is building it
    with CaptureQueriesContext(connection) as captured:
        meanwhile = client.get(path)
    assert len(captured) == 0
    assert meanwhile.content == before
    caches["pages"].delete(building)  # built
    assert queries(client, path) > 0  # the first visitor after that builds it again
    assert queries(client, path) == 0


def test_static_files_keep_their_long_browser_lifetime(rf):
    """WhiteNoise answers before the page cache is asked: its year-long max-age stays."""
    from django.http import HttpResponse

    static = HttpResponse(b"body{}", content_type="text/css")
    static["Cache-Control"] = "max-age=31536000, public, immutable"
    response = pagecache.RevalidateMiddleware(lambda request: static)(rf.get("/static/site.css"))
    assert response["Cache-Control"] == "max-age=31536000, public, immutable"


def commune_page(commune):
    with translation.override("fr"):
        return reverse("regions:commune", kwargs={"slug": commune.slug})


def cache_each(client, paths):
    for path in paths:
        queries(client, path)
        assert queries(client, path) == 0, path  # now cached


@pytest.mark.django_db
def test_a_follow_up_forgets_the_communes_its_workshop_concerns_not_the_others(cached_pages, client):
    from tests.programmes.factories import CommuneFactory

    concerned, aimed_at, elsewhere = CommuneFactory(), CommuneFactory(), CommuneFactory()
    workshop = WorkshopFactory(is_published=True)
    workshop.target_communes.add(aimed_at)
    commitment = CommitmentFactory(recommendation=RecommendationFactory(workshop=workshop))
    commitment.target_communes.add(concerned)
    assert sorted(reports.concerned_commune_slugs(workshop)) == sorted([concerned.slug, aimed_at.slug])
    cache_each(client, [commune_page(concerned), commune_page(aimed_at), commune_page(elsewhere)])
    reports.forget_public_figures(workshop, people=False)  # what the quick update form does
    assert queries(client, commune_page(concerned)) > 0
    assert queries(client, commune_page(aimed_at)) > 0
    assert queries(client, commune_page(elsewhere)) == 0
    # Participants count in the commune they come from: a change of attendance forgets them all.
    reports.forget_public_figures(workshop)
    assert queries(client, commune_page(elsewhere)) > 0


@pytest.mark.django_db
def test_a_quick_update_forgets_the_communes_its_commitment_concerns_only(
    cached_pages, client, django_user_model
):
    from tests.programmes.factories import CommuneFactory

    concerned, venue = CommuneFactory(), CommuneFactory()
    workshop = WorkshopFactory(is_published=True, venue_commune=venue)
    commitment = CommitmentFactory(recommendation=RecommendationFactory(workshop=workshop))
    commitment.target_communes.add(concerned)
    cache_each(client, [commune_page(concerned), commune_page(venue)])
    post_follow_up(client, django_user_model, commitment, "limited")
    assert queries(client, commune_page(concerned)) > 0  # lists the commitment
    assert queries(client, commune_page(venue)) == 0  # its workshop there shows no progress


@pytest.mark.django_db
def test_a_programme_change_in_the_admin_forgets_its_pages_and_communes_not_the_others(
    admin_client, cached_pages, client
):
    from tests.programmes.factories import ActionProgrammeFactory, ProjectFactory

    project = ProjectFactory()
    programme, other = project.programme, ActionProgrammeFactory()
    workshop = WorkshopFactory(is_published=True)
    with translation.override("fr"):
        shown = [
            programme.get_absolute_url(),
            reverse("programmes:list"),
            commune_page(programme.commune),
            reverse("workshops:committees"),
        ]
        unrelated = [commune_page(other.commune), workshop.get_absolute_url(), reverse("regions:list")]
    cache_each(client, [*shown, *unrelated])
    response = admin_client.post(
        reverse("admin:programmes_project_delete", args=[project.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    for path in shown:
        assert queries(client, path) > 0, path  # built again: it shows the change
    for path in unrelated:
        assert queries(client, path) == 0, path


def test_each_public_page_belongs_to_its_scopes():
    with translation.override("ar"):
        assert pagecache.page_scopes(reverse("regions:commune", kwargs={"slug": "fes"})) == [
            "site",
            "communes",
            "commune:fes",
        ]
        assert (
            pagecache.page_scopes(reverse("workshops:commune_feed", kwargs={"slug": "fes"}))[-1]
            == "commune:fes"
        )
        # path_info, as a request holds it: decoded (reverse() gives it percent-encoded).
        assert pagecache.page_scopes(unquote(reverse("registrations:register", kwargs={"slug": "ورشة"}))) == [
            "site",
            "workshop:ورشة",
        ]
        assert pagecache.page_scopes(reverse("programmes:detail", kwargs={"pk": 3})) == ["site", "programmes"]
        assert pagecache.page_scopes(reverse("regions:province", kwargs={"code": "231"})) == [
            "site",
            "regions",
        ]
        assert pagecache.page_scopes(reverse("workshops:committees")) == ["site", "lists", "progress"]
        assert pagecache.page_scopes(reverse("workshops:list")) == ["site", "lists", "people"]
        home = ["site", "lists", "overview", "home", "people"]
        assert pagecache.page_scopes(reverse("workshops:home")) == home
        assert pagecache.page_scopes(reverse("workshops:detail", kwargs={"slug": "x"})) == [
            "site",
            "workshop:x",
            "workshops",
        ]
        assert pagecache.page_scopes(reverse("regions:list")) == ["site", "regions", "overview"]
        assert pagecache.page_scopes(reverse("regions:detail", kwargs={"slug": "oriental"})) == [
            "site",
            "regions",
            "region:oriental",
        ]
        assert pagecache.page_scopes("/nowhere/") == ["site", "lists"]


def built_key(path):
    return pagecache.latest_key("http://testserver" + path) + ":built"


@pytest.mark.django_db
def test_a_page_rebuilt_after_a_change_is_not_rebuilt_again_before_its_interval(
    client, django_user_model, cached_pages, example, settings
):
    settings.PAGE_REBUILD_INTERVAL_SECONDS = 60
    commitment = CommitmentFactory(recommendation=RecommendationFactory(workshop=example))
    with translation.override("fr"):
        path = commitment.get_absolute_url()
    cache_each(client, [path])  # its first build opens no interval: a change shows at once
    reports.forget_public_figures(example)
    assert queries(client, path) > 0  # rebuilt: the interval starts
    first = client.get(path).content
    post_follow_up(client, django_user_model, commitment, "substantial")
    with CaptureQueriesContext(connection) as captured:
        meanwhile = client.get(path)
    assert len(captured) == 0  # the latest copy, not a rebuild back to back
    assert meanwhile.content == first
    # Signed-in staff always get the page as it is.
    staff = type(client)()
    staff.force_login(django_user_model.objects.get(username="updater"))
    assert "Réunion tenue à Fès" in staff.get(path).content.decode()
    started, took, rebuilt = caches["pages"].get(built_key(path))
    assert rebuilt and took > 0
    caches["pages"].set(built_key(path), (started - 61, took, rebuilt))  # the interval has passed
    assert queries(client, path) > 0
    assert "Réunion tenue à Fès" in client.get(path).content.decode()


def test_the_rebuild_interval_grows_with_the_build_time(settings):
    settings.PAGE_REBUILD_INTERVAL_SECONDS = 2
    settings.PAGE_REBUILD_FACTOR = 10
    assert pagecache.rebuild_interval(0.02) == 2
    assert pagecache.rebuild_interval(0.4) == 4


@pytest.mark.django_db
def test_when_a_page_expires_the_visitors_during_its_rebuild_get_the_latest_copy(
    client, cached_pages, example, monkeypatch
):
    import time as real_time
    from types import SimpleNamespace

    from django.core.cache.backends import filebased

    with translation.override("fr"):
        path = reverse("workshops:tracker")
    before = client.get(path).content
    later = real_time.time() + 2 * 60 + 1  # the page (60 s in these tests) has expired
    monkeypatch.setattr(filebased, "time", SimpleNamespace(time=lambda: later))
    building = pagecache.latest_key("http://testserver" + path) + ":building"
    assert caches["pages"].add(building, 1, 3600)  # another visitor is building it again
    with CaptureQueriesContext(connection) as captured:
        meanwhile = client.get(path)
    assert len(captured) == 0
    assert meanwhile.content == before
