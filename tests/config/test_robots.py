"""``/robots.txt`` keeps crawlers off every staff page, in every language, and names the sitemap."""

import re

import pytest
from django.urls import reverse
from django.utils import translation


def robots_rules(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    return lines


def disallowed(lines, path):
    """Whether a crawler following RFC 9309 (``*`` matches any characters) may not fetch ``path``."""
    rules = [line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow: ")]
    return any(re.match(".*".join(map(re.escape, rule.split("*"))), path) for rule in rules)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_robots_txt_keeps_crawlers_off_staff_pages(client, lang):
    lines = robots_rules(client)
    with translation.override(lang):
        staff = [
            reverse("admin:index"),
            reverse("admin:workshops_workshop_changelist"),
            reverse("reports:participants"),
            reverse("reports:participants_xlsx"),
            reverse("reports:attendance_csv"),
            reverse("staff:home"),
            reverse("staff:roster", kwargs={"slug": "ورشة-1"}),
            reverse("workshops:commitment_update", kwargs={"pk": 12}),
            reverse("workshops:recommendation_update", kwargs={"pk": 7}),
        ]
        public = [
            reverse("workshops:home"),
            reverse("workshops:list"),
            reverse("workshops:commitment", kwargs={"pk": 12}),
            reverse("workshops:recommendation", kwargs={"pk": 7}),
            reverse("workshops:open_data", kwargs={"dataset": "commitments", "fmt": "csv"}),
            reverse("regions:list"),
        ]
    assert [path for path in staff if not disallowed(lines, path)] == []
    assert [path for path in public if disallowed(lines, path)] == []


@pytest.mark.django_db
def test_robots_txt_points_to_the_sitemap(client):
    assert "Sitemap: http://testserver/sitemap.xml" in robots_rules(client)
