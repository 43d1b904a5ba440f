"""What the first visitor after an edit pays, with the caches of production: the region page's
communes (counted in two queries, their tables cached as HTML under a digest of what they show)
and the tracker (fewer scans, the average progress kept across follow-ups). Counts must follow
every change at once: each change below is followed by ``reports.forget_public_figures()``, as
the admin's saves do."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from regions.models import Commune, Region
from tests.factories import (
    CommitmentFactory,
    MilestoneFactory,
    OrganizationFactory,
    ProjectFactory,
    RecommendationFactory,
    WorkshopFactory,
    WorkshopPartnerFactory,
)
from workshops import reports

pytestmark = pytest.mark.django_db

FES = "03.231.01.0"
ADREJ = "03.451.03.01"  # in the province of Sefrou


@pytest.fixture(autouse=True)
def production_caches(settings, tmp_path):
    """The caches of production: figures (and the communes' tables) and whole pages in files,
    so that a cache lookup is no query."""
    settings.CACHES = {
        name: {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / name),
        }
        for name in ["default", "pages"]
    }
    settings.CACHE_MIDDLEWARE_SECONDS = 60
    settings.PUBLIC_FIGURES_CACHE_SECONDS = 60
    # Each change here is looked at at once: no bounded rebuild rate (a page rebuilt after a
    # change waits PAGE_REBUILD_INTERVAL_SECONDS before the next; tests/test_cache_scopes.py).
    settings.PAGE_REBUILD_INTERVAL_SECONDS = 0
    settings.PAGE_REBUILD_FACTOR = 0


def commune(code=FES):
    return Commune.objects.select_related("province__region").get(code=code)


def region_page(client, lang="fr"):
    with translation.override(lang):
        return client.get(reverse("regions:detail", kwargs={"slug": "fes-meknes"}))


def counts(client, place, lang="fr"):
    """``(workshops, commitments, organisations)`` of ``place`` as the region page shows them,
    the same in every table it appears in (the active communes and its province's)."""
    html = region_page(client, lang).content.decode()
    with translation.override(lang):
        link = re.escape(place.get_absolute_url())
    cell = r"\s*<td[^>]*>([^<]*)</td>"
    found = set(re.findall(rf'<th scope="row"><a href="{link}">[^<]*</a></th>{cell * 5}', html))
    assert len(found) == 1, found
    return tuple(int(n) for n in next(iter(found))[2:])


def staff_client(client_class, django_user_model):
    updater = django_user_model.objects.create_user("updater", password="x", is_staff=True)
    updater.user_permissions.add(Permission.objects.get(codename="add_followup"))
    staff = client_class()
    staff.force_login(updater)
    return staff


def follow_up(staff, commitment, status="limited"):
    response = staff.post(
        reverse("workshops:commitment_update", kwargs={"pk": commitment.pk}),
        {"date": timezone.localdate().isoformat(), "new_status": status, "note": "Réunion tenue"},
    )
    assert response.status_code == 302


def test_a_commune_counts_a_workshop_as_soon_as_it_is_published_and_not_after(client):
    fes = commune()
    workshop = WorkshopFactory(venue_commune=fes, is_published=False)
    assert counts(client, fes) == (0, 0, 0)
    workshop.is_published = True
    workshop.save()
    reports.forget_public_figures()
    assert counts(client, fes) == (1, 0, 0)
    workshop.is_published = False
    workshop.save()
    reports.forget_public_figures()
    assert counts(client, fes) == (0, 0, 0)


def test_a_workshop_moved_to_another_commune_counts_there_at_once(client):
    fes, adrej = commune(), commune(ADREJ)
    workshop = WorkshopFactory(venue_commune=fes)
    assert (counts(client, fes), counts(client, adrej)) == ((1, 0, 0), (0, 0, 0))
    workshop.venue_commune = adrej
    workshop.save()
    reports.forget_public_figures()
    assert (counts(client, fes), counts(client, adrej)) == ((0, 0, 0), (1, 0, 0))


def test_a_workshop_aimed_at_a_commune_and_a_commitment_concerning_it_count_at_once(client):
    fes = commune()
    assert counts(client, fes) == (0, 0, 0)
    WorkshopFactory(venue_commune=commune(ADREJ)).target_communes.add(fes)
    reports.forget_public_figures()
    assert counts(client, fes) == (1, 0, 0)
    CommitmentFactory().target_communes.add(fes)
    reports.forget_public_figures()
    assert counts(client, fes) == (1, 1, 0)


def test_an_organisation_counts_while_it_is_active_and_not_after(client):
    fes = commune()
    organization = OrganizationFactory(commune=fes)
    assert counts(client, fes) == (0, 0, 0)
    partner = WorkshopPartnerFactory(workshop=WorkshopFactory(), organization=organization)
    reports.forget_public_figures()
    assert counts(client, fes) == (0, 0, 1)
    partner.delete()
    reports.forget_public_figures()
    assert counts(client, fes) == (0, 0, 0)


def test_a_follow_up_rebuilds_the_region_page_without_rendering_its_communes_again(client, django_user_model):
    fes = commune()
    commitment = CommitmentFactory(recommendation=RecommendationFactory(workshop__venue_commune=fes))
    commitment.target_communes.add(fes)
    # Aimed at the region: its page lists it, so a follow-up forgets that page
    # (workshops.invalidation); the region's other pages stay.
    commitment.target_regions.add(Region.objects.get(slug="fes-meknes"))
    region_page(client)
    follow_up(staff_client(type(client), django_user_model), commitment)
    with CaptureQueriesContext(connection) as captured:
        response = region_page(client)
    # Built again (the follow-up shows in the region's commitments), in seven queries; the
    # 194 communes' tables come from the cache.
    assert len(captured) == 7
    assert "regions/_commune_rows.html" not in [template.name for template in response.templates]
    assert counts(client, fes) == (1, 1, 0)


@pytest.mark.parametrize(("lang", "shown", "other"), [("ar", "فاس", "Fès"), ("fr", "Fès", "فاس")])
def test_the_cached_communes_tables_are_each_languages_own(client, lang, shown, other):
    fes = commune()
    WorkshopFactory(venue_commune=fes)
    for first in ["ar", "fr"]:
        region_page(client, first)  # both languages' tables cached
    html = region_page(client, lang).content.decode()
    with translation.override(lang):
        link = fes.get_absolute_url()
    assert f'<a href="{link}">{shown}</a>' in html
    assert f'<a href="{link}">{other}</a>' not in html


def tracker(client):
    with translation.override("fr"):
        return client.get(reverse("workshops:tracker"))


def test_the_tracker_after_a_follow_up_shows_it_in_nine_queries(client, django_user_model):
    project, region = ProjectFactory(), Region.objects.get(code="03")
    commitments = [CommitmentFactory(recommendation__workshop__project=project) for _ in range(3)]
    for commitment in commitments:
        commitment.target_regions.add(region)
        commitment.responsible_organizations.add(OrganizationFactory())
    tracker(client)
    follow_up(staff_client(type(client), django_user_model), commitments[0], status="complete")
    with CaptureQueriesContext(connection) as captured:
        response = tracker(client)
    assert len(captured) == 9
    statuses = dict((value, n) for value, _label, n in response.context["dashboard"]["commitments_by_status"])
    assert (statuses["complete"], statuses["not_started"]) == (1, 2)


def test_the_average_progress_outlives_a_follow_up_and_follows_a_milestone(client, django_user_model):
    commitment = CommitmentFactory()
    done = MilestoneFactory(commitment=commitment, completed_on=datetime.date(2026, 1, 5))
    MilestoneFactory(commitment=commitment)
    assert tracker(client).context["dashboard"]["average_progress"] == 50
    follow_up(staff_client(type(client), django_user_model), commitment)
    assert tracker(client).context["dashboard"]["average_progress"] == 50
    # A change of who attended (roster, check-in, import) keeps the whole tracker page: no
    # figure of it counts people.
    reports.forget_attendance(commitment.recommendation.workshop)
    with CaptureQueriesContext(connection) as captured:
        assert tracker(client).status_code == 200
    assert len(captured) == 0
    done.completed_on = None
    done.save()
    reports.forget_public_figures()  # as the admin's save of a milestone does
    assert tracker(client).context["dashboard"]["average_progress"] == 0
