"""The roster in a real browser: the targets of issue 13, measured and printed (a known person
added for two days in at most 4 actions; 50 people marked for one day in under a minute), and
the page's bar: Arabic right to left, nothing wider than a 375 px phone, axe-core without a
serious or critical fault, usable with the keyboard. Screenshots go to
test-artifacts/screenshots/roster-<lang>-<width>.png.

The staff member may tick, add people and change participations but not read contacts: such an
account needs no second factor (``config.two_factor``)."""

import datetime
import time

import pytest

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_staff_pages import PASSWORD, assert_fits_and_passes_axe, sign_in
from tests.conftest import _grant
from tests.factories import ParticipationFactory, PersonFactory, WorkshopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RIGHTS = (
    "workshops.view_workshop",
    "workshops.view_participation",
    "workshops.add_participation",
    "workshops.change_participation",
    "workshops.add_attendance",
    "workshops.delete_attendance",
    "organizations.view_person",
    "organizations.add_person",
)


@pytest.fixture
def keeper(example, django_user_model):
    """A staff account that keeps rosters, made before the browser opens."""
    user = django_user_model.objects.create_user("importer", password=PASSWORD, is_staff=True)
    _grant(user, *RIGHTS)
    return user


@pytest.fixture
def fifty(example):
    """A three-day workshop with 50 registered people and no marks yet; a saved person not on it."""
    workshop = WorkshopFactory(
        title="Budget participatif — الميزانية التشاركية",
        slug="budget-participatif-2026",
        start_date=datetime.date(2026, 3, 5),
        end_date=datetime.date(2026, 3, 7),
    )
    workshop.sync_sessions()
    for n in range(50):
        ParticipationFactory(
            workshop=workshop,
            status="registered",
            person__first_name=["Salma", "يوسف", "Hélène", "فاطمة الزهراء"][n % 4],
            person__last_name=f"Participant {n:02d}",
        )
    PersonFactory(first_name="Rachid", last_name="Ouchen")
    # Read now: no test talks to the database while the browser is open (conftest.page).
    workshop.day_ids = list(workshop.sessions.order_by("position").values_list("pk", flat=True))
    return workshop


def script_errors(page):
    """The console's errors but the 404 of /favicon.ico (the admin's pages link no icon) and the
    503 of a tick the database was too busy to save, which the page sends again: the test
    database, SQLite in memory shared between the live server's threads, answers "table is
    locked" at once instead of waiting as the file database of a deployment does."""
    return [error for error in page.errors if "404" not in error and "503" not in error]


def test_a_known_person_is_added_for_two_days_in_four_actions(keeper, fifty, page):
    sign_in(page, "fr")
    page.open(f"/fr/staff/workshops/{fifty.slug}/roster/")
    known = page.page.locator(".roster-known")
    started = time.monotonic()
    known.get_by_label("Jour 1 — 5 mars").check()  # 1
    known.get_by_label("Jour 2 — 6 mars").check()  # 2
    known.locator("[name=name]").fill("ouchen")  # 3
    page.page.locator(".roster-suggestion", has_text="Rachid Ouchen").click()  # 4
    page.page.wait_for_selector("text=Rachid Ouchen ajouté")
    seconds = time.monotonic() - started
    row = page.page.locator("tr", has_text="Rachid Ouchen")
    ticks = row.locator(".roster-tick input")
    assert [ticks.nth(i).is_checked() for i in range(3)] == [True, True, False]
    print(f"\nknown person added for two days: 4 actions, {seconds:.1f} s")
    assert not script_errors(page)


def test_fifty_people_are_marked_for_one_day_in_under_a_minute(keeper, fifty, page):
    sign_in(page, "fr")
    page.open(f"/fr/staff/workshops/{fifty.slug}/roster/")
    day = fifty.day_ids[1]
    boxes = page.page.locator(f'.roster-tick input[data-session="{day}"]')
    assert boxes.count() == 50
    started = time.monotonic()
    for i in range(50):
        boxes.nth(i).click()
    counted = page.page.locator(f'[data-counted="{day}"]')
    for _attempt in range(300):
        if counted.text_content() == "50":
            break
        page.page.wait_for_timeout(100)
    seconds = time.monotonic() - started
    failed = page.page.locator(".roster-status").text_content()
    assert counted.text_content() == "50", failed
    print(f"\n50 people marked for one day: 50 clicks, {seconds:.1f} s")
    assert seconds < 60
    page.page.reload()
    assert page.page.locator(f'[data-counted="{day}"]').text_content() == "50"
    assert not script_errors(page)


def test_ticks_work_with_the_keyboard(keeper, fifty, page):
    sign_in(page, "ar")
    page.open(f"/ar/staff/workshops/{fifty.slug}/roster/")
    day = fifty.day_ids[0]
    first = page.page.locator(f'.roster-tick input[data-session="{day}"]').first
    first.focus()
    page.page.keyboard.press("Space")
    counted = page.page.locator(f'[data-counted="{day}"]')
    for _attempt in range(100):
        if counted.text_content() == "1":
            break
        page.page.wait_for_timeout(100)
    assert counted.text_content() == "1"
    search = page.page.locator(".roster-known [name=name]")
    search.focus()
    page.page.keyboard.type("ouchen")
    page.page.locator(".roster-suggestion").first.wait_for()
    page.page.keyboard.press("Tab")
    assert page.page.evaluate("() => document.activeElement.className") == "roster-suggestion"
    assert not script_errors(page)


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_roster_fits_a_phone_and_passes_axe(keeper, example, page, axe_core, lang):
    page.page.route(
        "**/__browser-tests__/axe.min.js",
        lambda route: route.fulfill(path=str(axe_core), content_type="text/javascript"),
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, lang)
    path = f"/{lang}/staff/workshops/{example.slug}/roster/"
    page.open(path)
    assert_fits_and_passes_axe(page, path, "roster", lang)
    path = f"/{lang}/staff/"
    page.open(path)
    assert_fits_and_passes_axe(page, path, "staff-home", lang)


@pytest.fixture
def organiser(example, django_user_model):
    """A staff account that enters workshops (Editor-like), made before the browser opens."""
    user = django_user_model.objects.create_user("importer", password=PASSWORD, is_staff=True)
    _grant(
        user,
        *("workshops.view_workshop", "workshops.add_workshop", "workshops.change_workshop"),
        *("workshops.view_session", "workshops.add_session", "workshops.change_session"),
        *("workshops.view_workshoppartner", "workshops.add_workshoppartner"),
        *("workshops.view_recommendation", "organizations.view_organization", "regions.view_region"),
    )
    return user


def choose(page, field, text):
    """Pick ``text`` in the admin's autocomplete ``field``: open, type, choose (3 actions)."""
    page.page.click(f"#id_{field} + .select2 .select2-selection")
    page.page.keyboard.type(text)
    page.page.locator(".select2-results__option", has_text=text).first.click()


def test_a_three_day_workshop_with_its_usual_partners_is_set_up_in_eleven_actions(organiser, example, page):
    sign_in(page, "fr")
    page.open("/fr/admin/workshops/workshop/add/")
    started = time.monotonic()
    # The title in the record's original language (Arabic unless chosen otherwise).
    page.page.fill("#id_title_ar", "Atelier de suivi — ورشة التتبع")  # 1
    choose(page, "organizer", "Mouvement Alternatives Citoyennes")  # 2-4
    page.page.fill("#id_start_date", "05/03/2026")  # 5
    page.page.fill("#id_end_date", "07/03/2026")  # 6
    choose(page, "venue_region", "Marrakech")  # 7-9
    page.page.check("#id_add_usual_partners")  # 10
    page.page.click("input[name=_save]")  # 11
    page.page.wait_for_selector(".messagelist")
    seconds = time.monotonic() - started
    messages = page.page.locator(".messagelist").text_content()
    assert (
        "Séances ajoutées d’après les dates : Jour 1 — 5 mars, Jour 2 — 6 mars, Jour 3 — 7 mars." in messages
    )
    assert "Partenaires ajoutés" in messages
    print(f"\nthree-day workshop with its usual partners set up: 11 actions, {seconds:.1f} s")
    assert not script_errors(page)
