"""The sitemap is an index of sections cut into pages: each page reads its own rows, keeps the
alternates in the other languages, and is cached and forgotten like the other public pages."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config import pagecache
from tests.factories import RecommendationFactory, WorkshopFactory
from tests.sitemaps import sitemap_xml
from tests.test_page_cache import page_cache  # noqa: F401 (a fixture)
from workshops.sitemaps import TrackerSitemap

pytestmark = pytest.mark.django_db


def locations(xml):
    return re.findall(r"<loc>([^<]+)</loc>", xml)


def test_the_sitemap_is_an_index_of_its_sections(client):
    WorkshopFactory()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<sitemapindex" in body
    sections = locations(body)
    assert "http://testserver/sitemap-workshops.xml" in sections
    assert "http://testserver/sitemap-communes.xml" in sections
    assert "http://testserver/sitemap-programmes.xml" in sections
    assert "/fr/" not in body  # the index names sections, not pages


def test_a_large_section_is_cut_into_pages_that_together_list_every_item(client, monkeypatch):
    monkeypatch.setattr(TrackerSitemap, "limit", 4)
    recommendations = RecommendationFactory.create_batch(3)
    index = locations(client.get("/sitemap.xml").content.decode())
    # 3 recommendations x 3 languages = 9 addresses: pages of 4, 4 and 1.
    assert [loc for loc in index if "recommendations" in loc] == [
        "http://testserver/sitemap-recommendations.xml",
        "http://testserver/sitemap-recommendations.xml?p=2",
        "http://testserver/sitemap-recommendations.xml?p=3",
    ]
    pages = [client.get("/sitemap-recommendations.xml", {"p": p}).content.decode() for p in (1, 2, 3)]
    assert [len(locations(page)) for page in pages] == [4, 4, 1]
    assert [page.count("hreflang=") for page in pages] == [4 * 3, 4 * 3, 1 * 3]  # the alternates
    listed = {loc for page in pages for loc in re.findall(r"<url>\s*<loc>([^<]+)</loc>", page)}
    expected = {
        f"http://testserver/{lang}/recommendations/{r.pk}/"
        for r in recommendations
        for lang in ("ar", "fr", "en")
    }
    assert listed == expected
    assert client.get("/sitemap-recommendations.xml", {"p": 4}).status_code == 404
    assert client.get("/sitemap-recommendations.xml", {"p": "x"}).status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_every_address_keeps_its_alternates_in_the_three_languages(client):
    WorkshopFactory(slug="atelier-fes")
    xml = client.get("/sitemap-workshops.xml").content.decode()
    for lang in ("ar", "fr", "en"):
        assert f'hreflang="{lang}" href="http://testserver/{lang}/workshops/atelier-fes/"' in xml
    assert xml.count("<url>") == 3


def test_a_page_of_a_section_reads_only_its_rows(client, monkeypatch):
    monkeypatch.setattr(TrackerSitemap, "limit", 4)
    RecommendationFactory.create_batch(5)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/sitemap-recommendations.xml", {"p": 2})
    assert response.status_code == 200
    selects = [q["sql"] for q in queries if "workshops_recommendation" in q["sql"]]
    assert len(selects) == 2  # the count and the page's rows
    # Addresses 5-8 of 15: the 2nd recommendation in two languages and the 3rd in two.
    assert "LIMIT 2 OFFSET 1" in selects[1]


def test_the_index_dates_the_workshops_without_reading_each(client):
    WorkshopFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/sitemap.xml").content.decode()
    assert "<lastmod>" in body
    assert not [
        q
        for q in queries
        if "workshops_workshop" in q["sql"]
        and "MAX(" not in q["sql"].upper()
        and "COUNT(" not in q["sql"].upper()
    ]


@pytest.mark.usefixtures("page_cache")
def test_the_sitemap_is_cached_and_forgotten_with_the_lists(client):
    assert pagecache.page_scopes("/sitemap.xml") == ["site", "lists", "progress", "programmes"]
    assert pagecache.page_scopes("/sitemap-workshops.xml") == ["site", "lists", "progress", "programmes"]
    client.get("/sitemap-workshops.xml")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/sitemap-workshops.xml").status_code == 200
    assert len(queries) == 0
    WorkshopFactory(slug="atelier-fes")  # a new workshop forgets the lists
    assert "atelier-fes" in client.get("/sitemap-workshops.xml").content.decode()
    assert "sitemap-workshops.xml" in client.get("/sitemap.xml").content.decode()


def test_the_joined_sitemap_reads_every_page(client):
    WorkshopFactory(slug="atelier-fes")
    assert "/en/workshops/atelier-fes/" in sitemap_xml(client)
