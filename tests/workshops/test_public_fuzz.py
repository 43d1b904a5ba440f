"""Junk in any public address never gives a 500 (issue 11: ``/fr/workshops/%00/`` did, on
PostgreSQL).

The public URLs are read from the URL configuration, not listed by hand: every route outside
the admin, the staff reports and the sign-in-only forms, so a new page or a new path parameter
is fuzzed without a new test. Query parameters likewise: every filter of every public list's
filterset, plus ``page``, the map's ``measure`` and the sitemap's ``p``. Expected answers: 400
when a NUL character is anywhere in the request (``RejectNulMiddleware``: PostgreSQL text
cannot hold it), otherwise the page (200) or "not found" (404). Run on SQLite and PostgreSQL.
"""

import re
from urllib.parse import quote, unquote

import pytest
from django.contrib.auth.mixins import AccessMixin
from django.urls import URLResolver, get_resolver
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workshops.models import Commitment, MonitoringCommittee, Recommendation

# Route prefixes of staff pages (under the language prefix): not public, fuzzed elsewhere.
STAFF_PREFIXES = ("admin/", "reports/")
CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
# Percent-encoded, as they travel in a URL: NUL, numbers out of every integer column's range,
# zero and negatives, words, invalid UTF-8, dots, long strings, Arabic digits.
PATH_JUNK = [
    "%00",
    "a%00b",
    "0",
    "-1",
    "9223372036854775808",
    "99999999999999999999",
    "abc",
    "%ff",
    "%c3%28",
    "%e2%82",
    "%2e%2e",
    "%20",
    "%27%22%3C",
    "1e309",
    "%D9%A3",
    "x" * 3000,
]
# Query values that must travel raw (already percent-encoded): invalid UTF-8 and NUL.
RAW_QUERY_JUNK = ["%ff", "%c3%28", "%00", "a%00b", "%e2%82%28"]


def walk(patterns, prefix=""):
    """``(route, callback)`` of every URL pattern under ``patterns`` (nested resolvers too)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def is_staff_only(route, callback):
    view_class = getattr(callback, "view_class", None)
    under_staff = route.removeprefix("fr/").startswith(STAFF_PREFIXES)
    return under_staff or (view_class is not None and issubclass(view_class, AccessMixin))


def public_routes():
    """Every public route, under the French prefix: ``"fr/workshops/<str:slug>/"``, …"""
    with translation.override("fr"):
        routes = list(walk(get_resolver().url_patterns))
    return sorted(route for route, callback in routes if not is_staff_only(route, callback))


def query_parameters():
    """Names of every query parameter a public page reads: the filtersets' filters, ``page``,
    ``measure`` (maps) and ``p`` (sitemap)."""
    names = {"page", "measure", "p"}
    for _route, callback in walk(get_resolver().url_patterns):
        filterset = getattr(getattr(callback, "view_class", None), "filterset_class", None)
        if filterset is not None:
            names.update(filterset.base_filters)
    return sorted(names)


PUBLIC_ROUTES = public_routes()
ROUTES_WITH_PARAMETERS = [route for route in PUBLIC_ROUTES if CONVERTER.search(route)]


def expected_status(url):
    """400 for a request holding a NUL character, else the page or a 404."""
    return {400} if "\x00" in unquote(url) else {200, 302, 404}


def test_the_enumeration_finds_the_public_pages_and_leaves_staff_ones_out():
    assert "fr/workshops/<str:slug>/" in PUBLIC_ROUTES
    assert "fr/tracker/data/<str:dataset>.<str:fmt>" in PUBLIC_ROUTES
    assert "fr/tracker/feed/committee/<str:slug>/" in PUBLIC_ROUTES
    assert not [route for route in PUBLIC_ROUTES if "admin/" in route or "reports/" in route]
    assert not [route for route in PUBLIC_ROUTES if route.endswith("/update/")]
    assert {"q", "region", "year", "project", "status", "overdue", "organization", "workshop"} <= set(
        query_parameters()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES_WITH_PARAMETERS)
@pytest.mark.parametrize("junk", PATH_JUNK, ids=lambda junk: junk[:20])
def test_junk_in_every_path_parameter_is_never_a_server_error(client, route, junk):
    url = "/" + CONVERTER.sub(junk, route)
    response = client.get(url)
    assert response.status_code in expected_status(url), url[:200]


def example_certificate_code(example):
    """The code of a certificate of the example workshop (issued once, then reused)."""
    from attendance import certificates

    return certificates.issue(list(certificates.eligible(example)[:1]))[0].code


def valid_urls(example):
    """One existing public page for each public route (the example's objects), so that the
    query junk reaches a page that exists. A new route with parameters fails here until it is
    given an example."""
    committee = MonitoringCommittee.objects.public().first().slug
    recommendation = Recommendation.objects.public().first().pk
    commitment = Commitment.objects.public().first().pk
    examples = {
        "fr/regions/<slug:slug>/": "fr/regions/oriental/",
        "fr/workshops/<str:slug>/": f"fr/workshops/{example.slug}/",
        "fr/committees/<str:slug>/": f"fr/committees/{committee}/",
        "fr/recommendations/<int:pk>/": f"fr/recommendations/{recommendation}/",
        "fr/tracker/commitments/<int:pk>/": f"fr/tracker/commitments/{commitment}/",
        "fr/tracker/feed/region/<slug:slug>/": "fr/tracker/feed/region/oriental/",
        "fr/tracker/feed/committee/<str:slug>/": f"fr/tracker/feed/committee/{committee}/",
        "fr/tracker/data/<str:dataset>.<str:fmt>": "fr/tracker/data/commitments.csv",
        "sitemap-<slug:section>.xml": "sitemap-workshops.xml",
        # Registration: a province's communes; a workshop not open to registration (404) and
        # its confirmation (without a registration in the session: a redirect to the form).
        "fr/register/communes/<int:province>/": "fr/register/communes/1/",
        "fr/register/<str:slug>/": f"fr/register/{example.slug}/",
        "fr/register/<str:slug>/done/": f"fr/register/{example.slug}/done/",
        "fr/regions/communes/<slug:slug>/": "fr/regions/communes/marrakech/",
        "fr/regions/communes/<slug:slug>/data.<str:fmt>": "fr/regions/communes/marrakech/data.json",
        "fr/regions/provinces/<str:code>/": "fr/regions/provinces/351/",
        "fr/tracker/feed/commune/<slug:slug>/": "fr/tracker/feed/commune/marrakech/",
        # A stored name of the random scheme that no row links: the query junk meets a 404.
        "media/<path:path>": f"media/evidence/2026/{'0' * 32}.pdf",
        **programme_pages(),
        # The check page of one of the example's certificates (429 past the rate limit).
        "fr/certificates/<str:code>/": f"fr/certificates/{example_certificate_code(example)}/",
    }
    missing = [route for route in ROUTES_WITH_PARAMETERS if route not in examples]
    assert not missing, f"give these public routes an example page: {missing}"
    return ["/" + quote(examples.get(route, route)) for route in PUBLIC_ROUTES]


def programme_pages():
    """Examples of the action programme pages (the illustrative programme)."""
    from programmes import example as programme_example

    programme, _created = programme_example.load()
    project = programme.projects.first().pk
    return {
        "fr/programmes/<int:pk>/": f"fr/programmes/{programme.pk}/",
        "fr/programmes/projects/<int:pk>/": f"fr/programmes/projects/{project}/",
        "fr/programmes/data/projects.<str:fmt>": "fr/programmes/data/projects.json",
        "media/programmes/<path:path>": f"media/programmes/2026/{'0' * 32}.pdf",
        "media/observations/<path:path>": f"media/observations/2026/{'0' * 32}.png",
    }


class Raw(str):
    """A query value that is already percent-encoded (invalid UTF-8, NUL)."""


text_values = st.one_of(
    st.text(max_size=300),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", "0", "-1", "abc", "true", "1e309", "NaN", "%", "'", "\\", "x" * 5000, "٣"]),
)
query_values = st.one_of(text_values, st.sampled_from(RAW_QUERY_JUNK).map(Raw))


def query_string(pairs):
    return "&".join(
        f"{quote(name, safe='')}={value if isinstance(value, Raw) else quote(value, safe='')}"
        for name, value in pairs
    )


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_junk_in_every_query_parameter_of_every_public_page_is_never_a_server_error(client, example, data):
    page = data.draw(st.sampled_from(valid_urls(example)), label="page")
    names = st.one_of(st.sampled_from(query_parameters()), st.text(max_size=20))
    pairs = data.draw(st.lists(st.tuples(names, query_values), max_size=5), label="query")
    url = f"{page}?{query_string(pairs)}"
    response = client.get(url)
    assert response.status_code in expected_status(url), url[:200]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/fr/workshops/%00/", "/fr/committees/a%00/", "/fr/workshops/?q=a%00b", "/fr/?measure=%00"],
)
def test_a_nul_byte_anywhere_in_an_address_is_a_bad_request(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "<h1>Requête invalide</h1>" in response.content.decode()


@pytest.mark.django_db
def test_a_nul_byte_in_a_cookie_or_a_posted_form_is_a_bad_request(client):
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert client.get("/fr/workshops/").status_code == 400
    client.cookies.clear()
    multipart = client.post("/fr/admin/login/", {"username": "a\x00b", "password": "x"})
    assert multipart.status_code == 400
    urlencoded = client.post(
        "/fr/admin/login/", "username=a%00b&password=x", content_type="application/x-www-form-urlencoded"
    )
    assert urlencoded.status_code == 400
