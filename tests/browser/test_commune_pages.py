"""The commune, province and commune-search pages in a real browser, in Arabic and French: the
direction of the page, names in both scripts with their own language and direction, nothing wider
than the screen at 375 and 1280 px, no serious or critical accessibility fault (axe-core), no
request elsewhere. Screenshots go to test-artifacts/screenshots/commune-<lang>-<width>.png."""

import pytest

from regions.models import Commune
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_pages import AXE_SCRIPT, WIDTHS, assert_fits, assert_only_local_requests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def marrakech_commune(example):
    """The example workshop held in the commune of Marrakech and aimed at Fès too; its
    commitments concern Marrakech; its organiser is based there. Set before the browser opens."""
    marrakech = Commune.objects.get(code="07.351.01.0")
    example.venue_commune = marrakech
    example.save(update_fields=["venue_commune"])
    example.target_communes.add(marrakech, Commune.objects.get(code="03.231.01.0"))
    example.organizer.commune = marrakech
    example.organizer.save(update_fields=["commune"])
    for recommendation in example.recommendations.all():
        for commitment in recommendation.commitments.all():
            commitment.target_communes.add(marrakech)
    return marrakech


def commune_pages(lang):
    return [
        f"/{lang}/regions/communes/marrakech/",
        f"/{lang}/regions/communes/?q={'فاس' if lang == 'ar' else 'fes'}",
        f"/{lang}/regions/communes/",
        f"/{lang}/regions/provinces/351/",
        f"/{lang}/regions/marrakech-safi/",
    ]


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_commune_pages_fit_the_screen_and_name_the_commune_in_both_scripts(marrakech_commune, page, lang):
    for path in commune_pages(lang):
        for width in WIDTHS:
            page.page.set_viewport_size({"width": width, "height": 900})
            page.open(path)
            assert page.page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
            assert_fits(page, path, width)
    page.open(f"/{lang}/regions/communes/marrakech/")
    assert page.page.locator('h1 [lang="ar"][dir="rtl"]').inner_text() == "مراكش"
    assert page.page.locator('h1 [lang="fr"][dir="ltr"]').inner_text() == "Marrakech"
    workshops = page.page.locator("#workshops-heading + ul li")
    assert workshops.count() == 1
    assert_only_local_requests(page)


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_axe_finds_no_serious_or_critical_violation_on_commune_pages(marrakech_commune, page, axe_core, lang):
    found = {}
    page.page.route(
        "**/__browser-tests__/axe.min.js",
        lambda route: route.fulfill(path=str(axe_core), content_type="text/javascript"),
    )
    for path in commune_pages(lang):
        page.open(path)
        page.page.add_script_tag(url="/__browser-tests__/axe.min.js")
        serious = [v for v in page.page.evaluate(AXE_SCRIPT) if v["impact"] in {"serious", "critical"}]
        if serious:
            found[path] = serious
    assert not found, f"axe-core: {found}"


def test_commune_screenshots_in_arabic_and_french(marrakech_commune, page):
    """Writes test-artifacts/screenshots/commune-<lang>-<width>.png for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for lang in ("ar", "fr"):
        for width in WIDTHS:
            page.page.set_viewport_size({"width": width, "height": 900})
            page.open(f"/{lang}/regions/communes/marrakech/")
            target = SCREENSHOTS / f"commune-{lang}-{width}.png"
            page.page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 10_000
    assert_only_local_requests(page)
