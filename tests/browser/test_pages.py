"""The public pages in a real browser (Debian's Chromium through Playwright), in three languages.

What a person would see: the direction of the page and of its navigation, nothing wider than the
screen at 375 and 1280 px, a map of 12 regions whose regions are links, no serious accessibility
fault (axe-core), and no request to any other host than the site's. Screenshots of the home page
go to test-artifacts/screenshots/ (not committed) for a person to look at.
"""

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = ["ar", "fr", "en"]
WIDTHS = [375, 1280]


def pages(lang, workshop):
    """The pages every language is checked on: home, regions, a region, the workshop, tracker."""
    return [
        f"/{lang}/",
        f"/{lang}/regions/",
        f"/{lang}/regions/fes-meknes/",
        f"/{lang}/workshops/{workshop.slug}/",
        f"/{lang}/tracker/",
    ]


# Elements wider than the viewport, ignoring what is visually hidden (clipped: the skip link, the
# column headers of stacked tables, screen-reader tables), not rendered, or inside a box that
# scrolls sideways on its own (a wide table's; the box itself must fit).
OVERFLOW_SCRIPT = """() => {
  const width = document.documentElement.clientWidth;
  const hidden = (element) => {
    for (let node = element; node && node !== document.documentElement; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.clip !== "auto" || style.clipPath !== "none" || style.visibility === "hidden") return true;
      if (node !== element && ["auto", "scroll"].includes(style.overflowX)) return true;
    }
    return false;
  };
  const offenders = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if ((box.left < -1 || box.right > width + 1) && !hidden(element)) {
      const name = element.tagName.toLowerCase() + (element.className && typeof element.className === "string"
        ? "." + element.className.trim().split(/\\s+/).join(".") : "");
      offenders.push(`${name} [${Math.round(box.left)}, ${Math.round(box.right)}]`);
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    offenders: offenders.slice(0, 10),
  };
}"""

# Boxes of the navigation bar's brand, first menu link and menu button (at 375 px the menu is
# folded: the link has no box).
NAVIGATION_SCRIPT = """() => {
  const box = (selector) => {
    const element = document.querySelector(selector);
    if (!element) return null;
    const rect = element.getBoundingClientRect();
    return rect.width ? {left: rect.left, right: rect.right} : null;
  };
  return {
    brand: box(".navbar-brand"),
    link: box("#main-menu .nav-link"),
    toggler: box(".navbar-toggler"),
    width: document.documentElement.clientWidth,
  };
}"""

# A point inside a region's shape that the region's own path receives (not a neighbour), in
# viewport coordinates; null if none is found on a 15 x 15 grid over its bounding box.
REGION_POINT_SCRIPT = """(code) => {
  const path = document.querySelector(`#map a[data-region="${code}"] path`);
  const box = path.getBBox();
  const matrix = path.getScreenCTM();
  for (let i = 1; i < 15; i++) {
    for (let j = 1; j < 15; j++) {
      const point = new DOMPoint(box.x + box.width * j / 15, box.y + box.height * i / 15);
      if (!path.isPointInFill(point)) continue;
      const screen = point.matrixTransform(matrix);
      if (document.elementFromPoint(screen.x, screen.y) === path) return {x: screen.x, y: screen.y};
    }
  }
  return null;
}"""

AXE_SCRIPT = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.slice(0, 5).map((node) => node.target.join(" ")),
  }));
}"""


def assert_fits(page, path, width):
    result = page.page.evaluate(OVERFLOW_SCRIPT)
    assert result["scrollWidth"] <= result["innerWidth"], f"{path} at {width} px scrolls sideways: {result}"
    assert not result["offenders"], f"{path} at {width} px: elements wider than the screen: {result}"


def assert_navigation_starts_on_the(side, page, path, width):
    boxes = page.page.evaluate(NAVIGATION_SCRIPT)
    brand = boxes["brand"]
    other = boxes["link"] or boxes["toggler"]
    assert brand and other, f"{path} at {width} px: no navigation bar: {boxes}"
    if side == "right":
        assert brand["left"] > other["left"] and brand["right"] > boxes["width"] / 2, (path, width, boxes)
    else:
        assert brand["left"] < other["left"] and brand["left"] < boxes["width"] / 2, (path, width, boxes)


def assert_only_local_requests(page):
    """No request left 127.0.0.1, and the console showed no error."""
    assert not page.errors, f"errors in the browser's console: {page.errors}"
    assert page.requests, "no request was recorded"
    elsewhere = [
        url
        for url in page.requests
        if urlsplit(url).scheme in {"http", "https", "ws", "wss"} and urlsplit(url).hostname != "127.0.0.1"
    ]
    others = [url for url in page.requests if urlsplit(url).scheme not in {"http", "https", "data", "about"}]
    assert not elsewhere and not others, f"requests left 127.0.0.1: {elsewhere + others}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_open_in_each_language_in_its_direction_and_fit_the_screen(page, example, lang):
    for path in pages(lang, example):
        for width in WIDTHS:
            page.page.set_viewport_size({"width": width, "height": 900})
            page.open(path)
            html = page.page.locator("html")
            assert html.get_attribute("lang") == lang, path
            assert html.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr"), path
            assert page.page.locator("h1").first.is_visible(), path
            assert_fits(page, path, width)
            assert_navigation_starts_on_the("right" if lang == "ar" else "left", page, path, width)
            # Morocco writes Western digits in Arabic too: no Arabic-Indic digit in the page.
            text = page.page.locator("body").inner_text()
            assert not re.search("[\u0660-\u0669\u06f0-\u06f9]", text), f"{path}: Arabic-Indic digits"
    assert_only_local_requests(page)


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_map_shows_the_12_regions_and_a_click_opens_the_region(page, example, lang):
    page.open(f"/{lang}/")
    regions = page.page.locator("#map svg a")
    assert regions.count() == 12
    for index in range(12):
        assert regions.nth(index).locator("title").text_content().strip()
    for measure in ("participants", "per_100k", "open_commitments", "workshops"):
        page.page.locator(f'#map a[href*="measure={measure}"]').click()
        page.page.wait_for_url(f"**/?measure={measure}*")
        assert (
            page.page.locator('#map a[aria-current="true"]')
            .get_attribute("href")
            .startswith(f"?measure={measure}")
        )
        assert page.page.locator("#map svg a").count() == 12
    page.page.locator('#map a[data-region="03"]').scroll_into_view_if_needed()
    point = page.page.evaluate(REGION_POINT_SCRIPT, "03")
    assert point, "no point of Fès-Meknès is clickable on the map"
    page.page.mouse.click(point["x"], point["y"])
    page.page.wait_for_url(f"**/{lang}/regions/fes-meknes/")
    assert page.page.locator("h1").text_content().strip() == {"ar": "فاس-مكناس", "fr": "Fès-Meknès"}[lang]
    assert_only_local_requests(page)


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_axe_finds_no_serious_or_critical_violation(page, example, axe_core, lang):
    found = {}
    # Served from the site's own origin by Playwright (it never reaches Django), so that the page
    # keeps its Content-Security-Policy ("script-src 'self'": no inline script) while axe runs.
    page.page.route(
        "**/__browser-tests__/axe.min.js",
        lambda route: route.fulfill(path=str(axe_core), content_type="text/javascript"),
    )
    for path in pages(lang, example):
        page.open(path)
        page.page.add_script_tag(url="/__browser-tests__/axe.min.js")
        violations = page.page.evaluate(AXE_SCRIPT)
        serious = [v for v in violations if v["impact"] in {"serious", "critical"}]
        if serious:
            found[path] = serious
    assert not found, f"axe-core: {found}"
    assert_only_local_requests(page)


def test_home_screenshots_in_arabic_and_french(page, example):
    """Writes test-artifacts/screenshots/home-<lang>-<width>.png for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for lang in ("ar", "fr"):
        for width in WIDTHS:
            page.page.set_viewport_size({"width": width, "height": 900})
            page.open(f"/{lang}/")
            target = SCREENSHOTS / f"home-{lang}-{width}.png"
            page.page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 10_000
    assert_only_local_requests(page)
