"""The error pages in a real browser: Arabic right to left and French, at 375 and 1280 px, fitting
the screen, with their stylesheets and no serious accessibility fault (axe-core), and screenshots
in test-artifacts/screenshots/ for a person to look at (errors-<status>-<lang>-<width>.png)."""

import pytest

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_pages import AXE_SCRIPT, WIDTHS, assert_fits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Status and path of each page; the 500 comes from a view that fails
# (tests/config/urls_with_errors.py).
ERRORS = [(400, "workshops/%00/"), (404, "no-such-page/"), (500, "broken/")]
NAVBAR_COLOUR = "element => getComputedStyle(element).backgroundColor"


@pytest.fixture
def failing_site(settings):
    settings.ROOT_URLCONF = "tests.config.urls_with_errors"


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_error_pages_in_their_language_fit_the_screen(failing_site, page, lang):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for status, path in ERRORS:
        for width in WIDTHS:
            page.page.set_viewport_size({"width": width, "height": 900})
            response = page.page.goto(f"{page.base_url}/{lang}/{path}")
            assert response.status == status
            html = page.page.locator("html")
            assert html.get_attribute("lang") == lang
            assert html.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
            # Styled: Bootstrap's stylesheet has loaded (the dark navigation bar).
            assert page.page.locator(".navbar").evaluate(NAVBAR_COLOUR) == "rgb(33, 37, 41)"
            reference = page.page.locator("code.request-id").inner_text()
            assert reference == response.headers["x-request-id"]
            assert_fits(page, f"/{lang}/{path}", width)
            target = SCREENSHOTS / f"errors-{status}-{lang}-{width}.png"
            page.page.screenshot(path=str(target), full_page=True)
    # The only console errors are the pages' own statuses.
    assert all("the server responded with a status of" in error for error in page.errors), page.errors


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_axe_finds_no_serious_or_critical_violation_on_error_pages(failing_site, page, axe_core, lang):
    page.page.route(
        "**/__browser-tests__/axe.min.js",
        lambda route: route.fulfill(path=str(axe_core), content_type="text/javascript"),
    )
    found = {}
    for _status, path in ERRORS:
        page.page.goto(f"{page.base_url}/{lang}/{path}")
        page.page.add_script_tag(url="/__browser-tests__/axe.min.js")
        violations = page.page.evaluate(AXE_SCRIPT)
        serious = [v for v in violations if v["impact"] in {"serious", "critical"}]
        if serious:
            found[path] = serious
    assert not found, f"axe-core: {found}"
