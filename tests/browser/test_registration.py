"""Registering for a workshop in a real browser (Debian's Chromium through Playwright).

In Arabic, at a phone's width, with the keyboard: the commune list follows the province chosen,
the consent box is ticked with the space bar, the form is sent with Enter, and the confirmation
shows the personal code that the database holds. The form and the confirmation fit 375 px, have
no serious accessibility fault (axe-core) and request nothing outside the site, in Arabic and in
French; screenshots of both at 375 and 1280 px go to test-artifacts/screenshots/.
"""

from contextlib import contextmanager

import pytest

from organizations.models import Person
from regions.models import Commune
from tests.browser.conftest import CHROMIUM_ARGS, SCREENSHOTS, Page
from tests.browser.test_pages import AXE_SCRIPT, assert_fits, assert_only_local_requests
from tests.factories import province
from tests.registrations.conftest import make_open_workshop
from workshops.models import Participation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def open_workshop(live_server):
    """A workshop open to registration, and two communes of the Rabat prefecture, saved before
    the browser starts (no test talks to the database while it is open: see conftest.page)."""
    rabat = province("421")
    for code, name_fr, name_ar in [
        ("04.421.01.01", "Agdal Riyad", "أكدال الرياض"),
        ("04.421.01.03", "Yacoub El Mansour", "يعقوب المنصور"),
    ]:
        slug = name_fr.lower().replace(" ", "-")
        Commune.objects.create(
            code=code, name_fr=name_fr, name_ar=name_ar, slug=slug, kind="urban", province=rabat
        )
    return make_open_workshop(
        organizer_name="جمعية التنمية سوس",
        days_ahead=20,
        title="ورشة الميزانية التشاركية للجماعات",
        slug="ميزانية-تشاركية",
    )


@contextmanager
def browser_page(live_server, chromium, width):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": width, "height": 900})
        try:
            yield Page(context.new_page(), live_server.url)
        finally:
            browser.close()


def check_page(page, path, width, axe_core, shot):
    """The page fits ``width``, axe-core finds nothing serious, and a screenshot is taken."""
    assert_fits(page, path, width)
    page.page.add_script_tag(url="/__browser-tests__/axe.min.js")
    violations = page.page.evaluate(AXE_SCRIPT)
    serious = [v for v in violations if v["impact"] in {"serious", "critical"}]
    assert not serious, f"axe-core on {path} at {width} px: {serious}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.page.screenshot(path=str(SCREENSHOTS / f"{shot}-{width}.png"), full_page=True)


def serve_axe(page, axe_core):
    page.page.route(
        "**/__browser-tests__/axe.min.js",
        lambda route: route.fulfill(path=str(axe_core), content_type="text/javascript"),
    )


def fill_in_arabic_with_the_keyboard(page):
    p = page.page
    p.locator("#id_first_name").focus()
    p.keyboard.type("فاطمة الزهراء")
    p.keyboard.press("Tab")
    p.keyboard.type("الإدريسي")
    p.keyboard.press("Tab")  # the first gender radio: woman
    p.keyboard.press("Space")
    assert p.locator("#id_gender_0").is_checked()
    p.locator("#id_age_band").select_option("25_34")
    p.locator("#id_province").select_option(label="الرباط")
    # Filled from the communes of the province (registrations:communes): "—" and two communes.
    p.locator("#id_commune option").nth(2).wait_for(state="attached")
    p.locator("#id_commune").select_option(label="يعقوب المنصور")
    p.locator("#id_organization").fill("جمعية الأمل")
    p.locator("#id_position").fill("أمينة المال")
    p.locator("#id_phone").fill("06 61 23 45 67")
    p.locator("#id_consent").focus()
    p.keyboard.press("Space")
    assert p.locator("#id_consent").is_checked()
    p.locator("button[type=submit]").focus()
    p.keyboard.press("Enter")
    p.wait_for_url("**/done/")


def test_register_in_arabic_with_the_keyboard_on_a_phone(live_server, chromium, axe_core, open_workshop):
    path = f"/ar/register/{open_workshop.slug}/"
    with browser_page(live_server, chromium, 375) as page:
        serve_axe(page, axe_core)
        page.open(path)
        assert page.page.locator("html").get_attribute("dir") == "rtl"
        check_page(page, path, 375, axe_core, "registration-form-ar")
        # A submission with the consent box left empty is refused, field by field, in Arabic.
        page.page.locator("#id_first_name").fill("فاطمة")
        page.page.locator("button[type=submit]").click()
        assert page.page.locator("#id_consent").evaluate("e => e.classList.contains('is-invalid')")
        # The form came back with status 400, which the console reports: expected here.
        page.errors.clear()
        page.page.locator("#id_first_name").fill("")
        fill_in_arabic_with_the_keyboard(page)
        shown = page.page.locator(".pass-code").inner_text().replace(" ", "")
        assert page.page.locator(".qr-box svg").count() == 1
        assert "فاطمة الزهراء الإدريسي" in page.page.locator("h1 + p").inner_text()
        check_page(page, page.page.url.removeprefix(live_server.url), 375, axe_core, "registration-done-ar")
        page.page.set_viewport_size({"width": 1280, "height": 900})
        check_page(page, "done", 1280, axe_core, "registration-done-ar")
        assert_only_local_requests(page)
    person = Person.objects.get(first_name="فاطمة الزهراء")
    assert (person.last_name, person.phone, person.city) == ("الإدريسي", "+212661234567", "يعقوب المنصور")
    assert person.region == province("421").region
    assert Participation.objects.get(person=person, workshop=open_workshop).pass_token == shown


@pytest.mark.parametrize(("lang", "width"), [("fr", 375), ("fr", 1280), ("ar", 1280)])
def test_the_form_fits_and_is_accessible(live_server, chromium, axe_core, open_workshop, lang, width):
    path = f"/{lang}/register/{open_workshop.slug}/"
    with browser_page(live_server, chromium, width) as page:
        serve_axe(page, axe_core)
        page.open(path)
        check_page(page, path, width, axe_core, f"registration-form-{lang}")
        if lang == "fr":
            page.page.locator("#id_first_name").fill("Karim")
            page.page.locator("#id_last_name").fill("Benjelloun")
            page.page.locator("#id_gender_1").check()
            page.page.locator("#id_email").fill("karim@example.ma")
            page.page.locator("#id_consent").check()
            page.page.locator("button[type=submit]").click()
            page.page.wait_for_url("**/done/")
            check_page(page, "done", width, axe_core, "registration-done-fr")
        assert_only_local_requests(page)
