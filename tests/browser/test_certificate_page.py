"""The public certificate check page meets the public pages' bar: Arabic right to left, no
sideways scrolling at 375 px, no serious or critical axe-core finding, nothing loaded from
elsewhere; an unknown code is a plain "not found". Screenshots in Arabic and French at 375 and
1280 px go to test-artifacts/screenshots/certificate-<lang>-<width>.png for a person to look at."""

import pytest

from attendance import certificates
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_pages import AXE_SCRIPT, WIDTHS, assert_fits, assert_only_local_requests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def code(example):
    """The code of the example's first certificate (issued before the browser starts)."""
    return certificates.issue(list(certificates.eligible(example))[:1], username="test")[0].code


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_check_page_reads_in_its_direction_fits_and_passes_axe(code, page, axe_core, lang):
    page.page.route(
        "**/__browser-tests__/axe.min.js",
        lambda route: route.fulfill(path=str(axe_core), content_type="text/javascript"),
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = f"/{lang}/certificates/{code}/"
    for width in WIDTHS:
        page.page.set_viewport_size({"width": width, "height": 900})
        response = page.open(path)
        assert response.headers["x-robots-tag"] == "noindex, nofollow"
        assert page.page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        assert page.page.locator(".alert-success").is_visible()
        assert_fits(page, path, width)
        page.page.screenshot(path=str(SCREENSHOTS / f"certificate-{lang}-{width}.png"), full_page=True)
    page.page.add_script_tag(url="/__browser-tests__/axe.min.js")
    serious = [v for v in page.page.evaluate(AXE_SCRIPT) if v["impact"] in {"serious", "critical"}]
    assert not serious, f"axe-core: {serious}"
    assert_only_local_requests(page)


def test_unknown_code_is_a_plain_not_found(code, page):
    response = page.page.goto(page.base_url + "/fr/certificates/" + "0" * 32 + "/")
    assert response.status == 404
    assert code not in page.page.content()
