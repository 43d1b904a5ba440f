"""Public pages: the example is visible in every language, no personal data anywhere, and list
pages run a number of queries that does not grow with their rows."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from organizations.models import Person
from tests.factories import (
    FollowUpFactory,
    MonitoringCommitteeFactory,
    ParticipationFactory,
    RecommendationFactory,
    WorkshopFactory,
    region,
)
from tests.sitemaps import sitemap_xml
from workshops.models import MonitoringCommittee, Workshop

pytestmark = pytest.mark.django_db

# The founding workshop's title and fourth recommendation in each page's language.
TITLES = {
    "ar": "التخطيط الاستراتيجي: من أجل تشاور عمومي فعلي، فعال ناجع",
    "fr": "Planification stratégique : pour une concertation publique réelle, efficace et efficiente",
}
TITLE = TITLES["fr"]
FOURTH = {"ar": "مأسسة لجنة لتتبع تنفيذ برامج عمل الجماعات", "fr": "Institutionnaliser un comité de suivi"}


def url(name, lang, **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs)


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.extend(value for name, value in attrs if name == "href" and value)


def crawl(client, start):
    """Follow every same-site link below the language prefixes, admin and i18n excluded.
    Returns {path: html}."""
    seen, queue = {}, list(start)
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.getvalue().decode()  # open data is streamed from a file
        seen[path] = html
        parser = LinkParser()
        parser.feed(html)
        for link in parser.links:
            target = urlsplit(urljoin(path, link))
            if target.netloc or not re.match(r"^/(ar|fr|en)/", target.path):
                continue
            if "/admin/" in target.path or target.path.startswith("/static/"):
                continue
            full = target.path + (f"?{target.query}" if target.query else "")
            if full not in seen and len(seen) < 400:
                queue.append(full)
    return seen


def sitemap_paths(client):
    """The paths of the public pages the sitemap lists (its index, then every page of every
    section), in each language."""
    xml = sitemap_xml(client)
    paths = [urlsplit(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", xml)]
    return [path for path in paths if not path.startswith("/sitemap")]


def test_sitemap_lists_every_public_object_in_three_languages(client, example):
    paths = set(sitemap_paths(client))
    for lang in ("ar", "fr", "en"):
        assert url("workshops:detail", lang, slug=example.slug) in paths
        assert url("regions:detail", lang, slug="oriental") in paths
        for recommendation in example.recommendations.all():
            assert url("workshops:recommendation", lang, pk=recommendation.pk) in paths
    assert len([p for p in paths if "/tracker/commitments/" in p and p.rstrip("/")[-1].isdigit()]) == 7 * 3


def test_no_personal_data_on_any_public_page(client, example):
    start = [f"/{lang}/" for lang in ("ar", "fr", "en")] + sitemap_paths(client)
    pages = crawl(client, start)
    assert any(example.get_absolute_url()[3:] in path for path in pages)
    assert len(pages) >= 100
    people = list(Person.objects.all())
    assert len(people) == 50
    for path, html in pages.items():
        for person in people:
            national = "0" + person.phone[4:]
            for secret in (
                person.full_name,
                f"{person.last_name} {person.first_name}",
                person.phone,
                national,
                person.email,
                person.email.split("@")[0],
            ):
                assert secret not in html, f"{secret!r} appears on {path}"


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_example_workshop_shows_its_figures(client, example, lang):
    html = client.get(url("workshops:detail", lang, slug=example.slug)).content.decode()
    assert TITLES[lang] in html
    assert "National Endowment for Democracy" in html
    assert FOURTH[lang] in html
    figures = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    for number in ("50", "23", "17", "16", "48", "45"):
        assert re.search(rf"\b{number}\b", figures), number


def test_workshop_page_in_arabic_and_french_is_translated(client, example):
    arabic = client.get(url("workshops:detail", "ar", slug=example.slug)).content.decode()
    french = client.get(url("workshops:detail", "fr", slug=example.slug)).content.decode()
    assert 'dir="rtl"' in arabic and 'lang="ar"' in arabic
    assert 'dir="ltr"' in french and 'lang="fr"' in french
    assert "فاس-مكناس" in arabic
    assert "Fès-Meknès" in french
    assert "Objectifs" in french
    assert "الأهداف" in arabic


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_home_shows_headline_figures(client, example, lang):
    html = client.get(f"/{lang}/").content.decode()
    assert TITLES[lang] in html
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert re.search(r"\b50\b", text)
    assert re.search(r"46[.,]0\s*%|46\s*%", text)


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_region_page_shows_the_example(client, example, lang):
    html = client.get(url("regions:detail", lang, slug="fes-meknes")).content.decode()
    assert TITLES[lang] in html
    committee = {"ar": "لجنة تتبع تنفيذ برامج عمل الجماعات", "fr": "Comité de suivi de la mise en œuvre"}
    assert committee[lang] in html
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert re.search(r"\b17\b", text)


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_recommendation_and_committee_pages(client, example, lang):
    recommendation = example.recommendations.get(position=4)
    html = client.get(url("workshops:recommendation", lang, pk=recommendation.pk)).content.decode()
    assert FOURTH[lang] in html
    committee = MonitoringCommittee.objects.get()
    assert committee.get_absolute_url()[3:] in html
    html = client.get(url("workshops:committee", lang, slug=committee.slug)).content.decode()
    with translation.override(lang):
        assert committee.name.replace("'", "&#x27;") in html
    expected = {
        "ar": ["فاس-مكناس", "بني ملال-خنيفرة", "طنجة-تطوان-الحسيمة"],
        "fr": ["Fès-Meknès", "Béni Mellal-Khénifra", "Tanger-Tétouan-Al Hoceima"],
    }[lang]
    for name in expected:
        assert name in html
    assert recommendation.get_absolute_url()[3:] in html


def test_unpublished_workshop_is_hidden(client, example):
    hidden = WorkshopFactory(title="ورشة غير منشورة", is_published=False)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert "ورشة غير منشورة" not in client.get(url("workshops:list", "fr")).content.decode()
    assert "ورشة غير منشورة" not in client.get("/fr/").content.decode()


def test_workshop_list_filters(client, example):
    other = WorkshopFactory(
        title="Forum de Oujda", venue_region=region("02"), start_date="2024-05-02", end_date="2024-05-02"
    )
    base = url("workshops:list", "fr")
    by_region = client.get(base, {"region": region("03").pk}).content.decode()
    assert TITLE in by_region and other.title not in by_region
    by_year = client.get(base, {"year": "2024"}).content.decode()
    assert other.title in by_year and TITLE not in by_year
    by_text = client.get(base, {"q": "Oujda"}).content.decode()
    assert other.title in by_text and TITLE not in by_text
    by_status = client.get(base, {"status": "cancelled"}).content.decode()
    assert other.title not in by_status and TITLE not in by_status


@pytest.mark.parametrize(
    "query",
    [
        {"year": "abc"},
        {"region": "999"},
        {"page": "999"},
        {"page": "x"},
        {"project": "'; drop table"},
        {"status": "nonexistent"},  # a NUL character is a 400: tests/workshops/test_public_fuzz.py
        {"q": "%" * 300},
    ],
)
def test_bad_filter_values_are_not_errors(client, example, query):
    response = client.get(url("workshops:list", "fr"), query)
    assert response.status_code == 200
    response = client.get(url("workshops:recommendations", "fr"), query)
    assert response.status_code == 200


def make_workshops(n):
    for i in range(n):
        workshop = WorkshopFactory(venue_region=region(f"{i % 12 + 1:02d}"))
        workshop.target_regions.set([region("03"), region("05")])
        ParticipationFactory(workshop=workshop)
        recommendation = RecommendationFactory(workshop=workshop)
        recommendation.target_regions.set([region("03")])
        FollowUpFactory(recommendation=recommendation)
        MonitoringCommitteeFactory(origin_recommendation=recommendation).regions.set([region("03")])


LIST_PAGES = [
    ("workshops:home", {}),
    ("workshops:list", {}),
    ("workshops:recommendations", {}),
    ("workshops:committees", {}),
    ("regions:list", {}),
    ("regions:detail", {"slug": "fes-meknes"}),
]


@pytest.mark.parametrize(("name", "kwargs"), LIST_PAGES)
def test_list_pages_query_count_does_not_grow(client, name, kwargs, django_assert_num_queries):
    path = url(name, "fr", **kwargs)
    make_workshops(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(path).status_code == 200
    make_workshops(2)
    assert Workshop.objects.count() == 3
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get(path).content.decode()
    # The home page's map and charts come from grouped queries shared with its headline.
    assert len(one.captured_queries) <= 12
    if name in {"workshops:list", "workshops:home"}:
        assert html.count("ورشة") >= 3


def test_small_counts_are_hidden_on_the_workshop_page(client):
    from tests.factories import SessionFactory

    workshop = WorkshopFactory(title="Petit atelier")
    SessionFactory(workshop=workshop)
    for _ in range(6):
        ParticipationFactory(workshop=workshop, person__region=region("03"))
    for _ in range(2):  # two men from Oriental: too few to publish
        ParticipationFactory(workshop=workshop, person__region=region("02"), person__gender="male")
    html = client.get(url("workshops:detail", "en", slug=workshop.slug)).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert re.search(r"\b8\b", text)  # the total is published
    assert "fewer than 5" in text
    assert not re.search(r"Oriental\s+2\b", text)
    assert not re.search(r"Man\s+2\b", text)


def test_a_tiny_workshop_publishes_no_figures(client):
    workshop = WorkshopFactory(title="Très petit atelier")
    ParticipationFactory.create_batch(3, workshop=workshop)
    html = client.get(url("workshops:detail", "en", slug=workshop.slug)).content.decode()
    assert "Fewer than 5 participants" in html


def test_small_counts_are_hidden_on_the_region_page(client):
    workshop = WorkshopFactory()
    ParticipationFactory.create_batch(3, workshop=workshop, person__region=region("12"))
    html = client.get(url("regions:detail", "en", slug="dakhla-oued-ed-dahab")).content.decode()
    assert re.search(r'figure-value">hidden<', html)
    assert not re.search(r'figure-value">\s*3\s*<', html)
