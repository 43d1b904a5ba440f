"""The map of regional activity and the charts of the public pages, as served (no browser):
figures, links, the measure switch, text alternatives, and the helpers of right-to-left pages."""

import re

import pytest
from django.template import Context, Template
from django.utils import translation

from organizations.models import Person
from tests.factories import (
    CommitmentFactory,
    ParticipationFactory,
    PersonFactory,
    RecommendationFactory,
    WorkshopFactory,
    region,
)
from workshops import publication, reports
from workshops.models import ProgressStatus

pytestmark = pytest.mark.django_db


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_region_measures_count_workshops_people_per_inhabitant_and_open_commitments():
    workshop = WorkshopFactory(venue_region=region("04"))
    workshop.target_regions.set([region("03")])
    for _ in range(3):
        ParticipationFactory(workshop=workshop, person=PersonFactory(region=region("03")))
    WorkshopFactory(venue_region=region("03"), is_published=False)
    recommendation = RecommendationFactory(workshop=workshop)
    for status in (ProgressStatus.NOT_STARTED, ProgressStatus.STALLED, ProgressStatus.COMPLETE):
        CommitmentFactory(recommendation=recommendation, status=status).target_regions.set([region("03")])
    CommitmentFactory(
        recommendation=RecommendationFactory(workshop=WorkshopFactory(is_published=False))
    ).target_regions.set([region("03")])

    rows = {row["region"].code: row for row in reports.region_measures()}

    assert len(rows) == 12
    fes = rows["03"]
    assert (fes["workshops"], fes["participants"], fes["open_commitments"]) == (1, 3, 2)
    assert fes["per_100k"] == round(3 * 100_000 / region("03").population_2024, 2) == 0.07
    assert (rows["04"]["workshops"], rows["04"]["participants"], rows["04"]["open_commitments"]) == (1, 0, 0)
    assert rows["12"]["per_100k"] == 0.0


def test_region_measures_run_a_fixed_number_of_queries(django_assert_num_queries):
    WorkshopFactory()
    with django_assert_num_queries(4):
        reports.region_measures()


def test_charts_of_the_home_page():
    WorkshopFactory(start_date="2021-03-05", end_date="2021-03-07")
    WorkshopFactory(start_date="2023-05-02", end_date="2023-05-02")
    WorkshopFactory(start_date="2023-06-02", end_date="2023-06-02", status="planned")
    ParticipationFactory(person=PersonFactory(gender=Person.Gender.MALE))
    # The participation's workshop is the factory's, held in 2026; the planned one is left out.
    assert reports.workshops_per_year() == [(2021, 1), (2022, 0), (2023, 1), (2024, 0), (2025, 0), (2026, 1)]
    assert [(value, count) for value, _label, count in reports.participants_by_gender()] == [
        ("female", 0),
        ("male", 1),
        ("unspecified", 0),
    ]


def test_home_shows_the_map_of_the_12_regions_with_credit_legend_and_table(client, example):
    html = client.get("/fr/").content.decode()
    assert (
        len(re.findall(r'<a href="/fr/regions/[^"]+/" class="choropleth-\d" data-region="\d\d">', html)) == 12
    )
    assert "© OpenStreetMap contributors, geoBoundaries" in html
    assert "<title>Fès-Meknès: 1</title>" in html
    assert 'href="?measure=participants#map"' in html
    assert 'href="?measure=workshops#map" class="nav-link active" aria-current="true">Ateliers</a>' in html
    table = html[html.index('<table class="visually-hidden">') :]
    assert '<th scope="row">Fès-Meknès</th><td>1</td>' in table


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_measure_switch_changes_the_map_and_its_legend(client, example, lang):
    html = client.get(f"/{lang}/", {"measure": "participants"}).content.decode()
    assert re.search(r"<title>[^<]+: 17</title>", html)
    assert 'href="?measure=participants#map" class="nav-link active" aria-current="true"' in html
    legend = text_of(
        html[html.index('class="map-legend') : html.index("</ul>", html.index('class="map-legend'))]
    )
    assert "16" in legend and "20" in legend
    html = client.get(f"/{lang}/", {"measure": "per_100k"}).content.decode()
    # 17 people from Fès-Meknès for 4,467,911 inhabitants: 0.38 per 100,000, with the locale's comma.
    assert re.search(r"<title>[^<]+: 0,38</title>", html)


@pytest.mark.parametrize("measure", ["", "x", "population_2024", "<script>", "participants#"])
def test_unknown_measure_shows_the_default_map(client, example, measure):
    response = client.get("/en/regions/", {"measure": measure})
    assert response.status_code == 200
    assert 'href="?measure=workshops#map" class="nav-link active"' in response.content.decode()


def test_regions_page_table_has_every_measure(client, example):
    html = client.get("/fr/regions/").content.decode()
    assert html.count("data-region=") == 12
    row = html[html.index('<a href="/fr/regions/fes-meknes/">Fès-Meknès</a></th>') :]
    cells = re.findall(r'<td[^>]*data-label="([^"]+)">([^<]*)</td>', row[: row.index("</tr>")])
    assert cells == [
        ("Chef-lieu", "Fès"),
        ("Population (2024)", "4\xa0467\xa0911"),
        ("Ateliers", "1"),
        ("Participants", "17"),
        ("Participants pour 100\xa0000 habitants", "0,38"),
        ("Engagements en cours", "1"),
    ]


def test_workshop_page_shows_bars_with_their_numbers(client, example):
    html = client.get(example.get_absolute_url()).content.decode()
    assert re.search(
        r'<meter class="bar" min="0" max="27" value="23" aria-hidden="true"></meter>'
        r'<span class="bar-value">23</span>',
        html,
    )
    assert re.search(
        r'max="17" value="16" aria-hidden="true"></meter><span class="bar-value">16</span>', html
    )
    assert re.search(
        r'max="50" value="48" aria-hidden="true"></meter><span class="bar-value">48</span>', html
    )


def test_tracker_shows_commitments_by_status_as_bars(client, example):
    html = client.get("/en/tracker/").content.decode()
    assert 'class="table table-sm bar-chart status-chart"' in html
    assert html.count('<meter class="bar bar-') == len(ProgressStatus.choices)


def test_lists_are_joined_with_the_languages_comma():
    template = Template("{% load tracker %}{{ regions|join_list }}|{% list_separator %}")
    regions = [region("03"), region("05")]
    with translation.override("fr"):
        assert template.render(Context({"regions": regions})) == "Fès-Meknès, Béni Mellal-Khénifra|, "
    with translation.override("ar"):
        assert template.render(Context({"regions": regions})) == "فاس-مكناس، بني ملال-خنيفرة|، "
    with translation.override("en"):
        assert (
            Template("{% load tracker %}{{ items|join_list }}").render(Context({"items": ["<b>", "a & b"]}))
            == "&lt;b&gt;, a &amp; b"
        )


def test_workshop_page_separates_target_regions_with_the_arabic_comma(client, example):
    html = client.get(f"/ar{example.get_absolute_url()[3:]}").content.decode()
    assert re.search(r"</a>، <a href=\"/ar/regions/", html)
    html = client.get(f"/fr{example.get_absolute_url()[3:]}").content.decode()
    assert re.search(r"</a>, <a href=\"/fr/regions/", html)


def test_arabic_text_is_marked_as_arabic_on_french_and_english_pages(client):
    workshop = WorkshopFactory(title="منتدى الشباب")  # Arabic only: the French page falls back to it
    french = client.get(f"/fr{workshop.get_absolute_url()[3:]}").content.decode()
    assert '<h1 lang="ar" dir="rtl">منتدى الشباب</h1>' in french
    arabic = client.get(f"/ar{workshop.get_absolute_url()[3:]}").content.decode()
    assert '<h1 lang="ar" dir="rtl">' in arabic
    template = Template("{% load tracker %}[{{ text|lang_attr }}]")
    with translation.override("en"):
        assert template.render(Context({"text": "Forum régional"})) == "[]"
        assert template.render(Context({"text": "منتدى Fès"})) == '[ lang="ar"]'


def test_reach_counts_each_person_once_like_a_distinct_count_over_participations():
    """Every public count of people is a sum over ``reports.reach()``: the same figures as
    ``COUNT(DISTINCT person)`` over the counted participations, by gender and by region."""
    from django.db.models import Count

    from workshops.models import Participation

    regular = PersonFactory(gender=Person.Gender.FEMALE, region=region("03"))
    for _ in range(3):  # three workshops, one person
        ParticipationFactory(person=regular)
    ParticipationFactory(person=PersonFactory(gender=Person.Gender.MALE, region=None))
    ParticipationFactory(person=PersonFactory(region=region("01")), status=Participation.Status.REGISTERED)
    ParticipationFactory(person=PersonFactory(region=region("01")), counts_toward_totals=False)
    ParticipationFactory(
        person=PersonFactory(region=region("01")), workshop=WorkshopFactory(is_published=False)
    )
    ParticipationFactory(
        person=PersonFactory(region=region("01")), workshop=WorkshopFactory(status="planned")
    )
    ParticipationFactory(person=PersonFactory(gender=Person.Gender.MALE, region=region("03")))

    counted = reports.public_participations().order_by()
    by_gender = dict(counted.values_list("person__gender").annotate(n=Count("person", distinct=True)))
    by_region = dict(counted.values_list("person__region").annotate(n=Count("person", distinct=True)))

    assert reports.reach() == {
        (region("03").pk, Person.Gender.FEMALE): 1,
        (region("03").pk, Person.Gender.MALE): 1,
        (None, Person.Gender.MALE): 1,
    }
    assert {value: n for value, _label, n in reports.participants_by_gender() if n} == by_gender
    assert reports.reach_totals("region") == by_region == {region("03").pk: 2, None: 1}
    assert reports.headline().participants == 3
    assert reports.region_figures(region("03"))["participants"] == 2


def test_small_counts_of_people_are_hidden_on_the_map_the_regions_list_and_the_home_page(client, example):
    """The region pages and workshop pages hide counts from 1 to SMALL_CELL_MINIMUM - 1 (5);
    so do the home page, the map and the regions list, or they would give those cells back."""
    workshop = WorkshopFactory(venue_region=region("02"))
    for _ in range(3):  # three people from the Oriental: fewer than 5
        ParticipationFactory(workshop=workshop, person=PersonFactory(region=region("02")))

    rows = {row["region"].code: row for row in publication.region_measures()}
    assert rows["02"]["participants"] is None and rows["02"]["per_100k"] is None
    # The new workshop's 3 are hidden on its page and in the list, and the example prints its
    # 50: the country's 53 would give the 3 back, so the country's total is hidden instead of a
    # second region (it alone closes that way; no region of the example needs to go).
    raw = {row["region"].code: row["participants"] for row in reports.region_measures()}
    assert raw["02"] == 3
    assert {code for code, row in rows.items() if row["participants"] is None} == {"02"}
    assert publication.home_figures()["headline"].participants is None

    html = client.get("/fr/?measure=participants").content.decode()
    home = text_of(html)
    assert "Oriental: masqué" in home  # the map's region title
    assert "Oriental: 3" not in home
    assert re.search(r'class="legend-swatch choropleth-hidden"></span>\s*masqué</li>', html)
    assert 'class="choropleth-hidden" data-region="02"' in html
    regions = client.get("/fr/regions/").content.decode()
    oriental = text_of(
        regions.split('<a href="/fr/regions/oriental/">Oriental</a></th>')[1].split("</tr>")[0]
    )
    assert "masqué" in oriental and " 3 " not in oriental


def test_a_national_total_under_five_is_hidden_on_the_home_page(client):
    workshop = WorkshopFactory()
    women = [ParticipationFactory(workshop=workshop, person=PersonFactory(gender=Person.Gender.FEMALE))]
    assert publication.home_figures()["headline"].participants is None
    assert publication.home_figures()["headline"].women is None
    assert publication.home_figures()["headline"].women_share is None
    html = text_of(client.get("/fr/").content.decode())
    assert "femmes (nombre masqué)" in html
    assert len(women) == 1
