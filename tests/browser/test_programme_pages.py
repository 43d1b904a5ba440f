"""The action programme pages in a real browser, with the illustrative programme loaded: Arabic
right to left, nothing wider than 375 or 1280 px, no serious or critical axe-core finding, and
screenshots in Arabic and French (test-artifacts/screenshots/programme-*.png) for a person to look
at."""

import pytest

from programmes import example as programme_example
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_pages import AXE_SCRIPT, WIDTHS, assert_fits, assert_only_local_requests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
MARK = "مثال توضيحي – Exemple illustratif"


@pytest.fixture
def paths(live_server, example):
    """Paths of the programme pages (the example loaded before the browser starts), by language."""
    programme, _created = programme_example.load()
    project = programme.projects.get(position=1)
    committee = programme.committees.get()
    return lambda lang: {
        "list": f"/{lang}/programmes/",
        "programme": f"/{lang}/programmes/{programme.pk}/",
        "project": f"/{lang}/programmes/projects/{project.pk}/",
        "committee": f"/{lang}/committees/{committee.slug}/",
    }


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_programme_pages_fit_the_screen_and_show_the_illustrative_mark(paths, page, lang):
    for name, path in paths(lang).items():
        for width in WIDTHS:
            page.page.set_viewport_size({"width": width, "height": 900})
            page.open(path)
            assert page.page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
            assert_fits(page, path, width)
            assert MARK in page.page.locator("body").inner_text().replace("\n", " "), name
    assert_only_local_requests(page)


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_axe_finds_no_serious_or_critical_violation_on_programme_pages(paths, page, axe_core, lang):
    found = {}
    page.page.route(
        "**/__browser-tests__/axe.min.js",
        lambda route: route.fulfill(path=str(axe_core), content_type="text/javascript"),
    )
    for path in paths(lang).values():
        page.open(path)
        page.page.add_script_tag(url="/__browser-tests__/axe.min.js")
        serious = [v for v in page.page.evaluate(AXE_SCRIPT) if v["impact"] in {"serious", "critical"}]
        if serious:
            found[path] = serious
    assert not found, f"axe-core: {found}"


def test_programme_screenshots_in_arabic_and_french(paths, page):
    """Writes programme-<page>-<lang>-<width>.png for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for lang in ("ar", "fr"):
        for name in ("programme", "project"):
            for width in WIDTHS:
                page.page.set_viewport_size({"width": width, "height": 900})
                page.open(paths(lang)[name])
                target = SCREENSHOTS / f"programme-{name}-{lang}-{width}.png"
                page.page.screenshot(path=str(target), full_page=True)
                assert target.stat().st_size > 10_000
    assert_only_local_requests(page)
