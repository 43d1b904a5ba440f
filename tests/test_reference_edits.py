"""Public pages forget an organisation's or a place's old name as soon as it is edited
(``workshops.reference_edits``), not when the page cache expires."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from regions.models import Commune
from tests.test_cache_scopes import cached_pages  # noqa: F401 (fixture)
from tests.test_page_cache import page_cache  # noqa: F401 (fixture, used by cached_pages)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cached_pages")]


def visit(path):
    """The page as a new visitor gets it (no cookie): from the page cache when it is there."""
    response = Client().get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_an_organisation_renamed_shows_its_new_name_at_once(example):
    organizer = example.organizer
    with translation.override("fr"):
        path = example.get_absolute_url()
    assert organizer.name in visit(path)
    # As the admin's save does (its save_model saves the row: the signal is what forgets).
    organizer.name = "Mouvement citoyen renommé"
    organizer.save()
    page = visit(path)
    assert "Mouvement citoyen renommé" in page


def test_a_commune_renamed_shows_its_new_name_on_its_workshops_page(example):
    commune = Commune.objects.filter(province__region=example.venue_region).order_by("code").first()
    example.venue_commune = commune
    example.save()
    with translation.override("fr"):
        path = reverse("regions:commune", kwargs={"slug": commune.slug})
    assert commune.name_fr in visit(path)
    commune.name_fr = "Commune renommée"
    commune.save()
    assert "Commune renommée" in visit(path)


def test_a_place_edit_keeps_the_figures_that_count_people(example):
    from workshops import reports

    calls = []
    reports.cached("probe-people", lambda: calls.append(1), people=True)
    commune = Commune.objects.order_by("code").first()
    commune.name_fr = "Autre nom"
    commune.save()
    reports.cached("probe-people", lambda: calls.append(1), people=True)
    assert calls == [1]


def probe_people_figures():
    """How many times a figure about people was computed so far (``reports.cached``)."""
    from workshops import reports

    calls = probe_people_figures.calls
    reports.cached("probe-people", lambda: calls.append(1), people=True)
    return len(calls)


probe_people_figures.calls = []


def test_an_organisations_edit_makes_the_figures_about_people_be_computed_again(example):
    """Its kind is counted by the cross-workshop report."""
    before = probe_people_figures()
    example.organizer.kind = "cooperative"
    example.organizer.save()
    assert probe_people_figures() == before + 1


def test_a_counted_persons_edit_forgets_the_figures_about_people_a_new_registrants_does_not(example):
    from organizations.models import Person
    from tests.factories import PersonFactory

    before = probe_people_figures()
    PersonFactory(first_name="Nouvelle")  # created: not counted anywhere yet
    stranger = PersonFactory(first_name="Sans", last_name="Atelier")
    stranger.age_band = "35_44"
    stranger.save()  # counted nowhere
    assert probe_people_figures() == before
    counted = Person.objects.filter(participations__status="attended").first()
    counted.region_id = "01" if counted.region_id != "01" else "02"
    counted.save()
    assert probe_people_figures() == before + 1
