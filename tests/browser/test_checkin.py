"""The check-in page in a real browser (``attendance.checkin``): offline, five people ticked and a
walk-in added reach the server when the network returns, once however often the batch is sent;
two phones checking in the same people at once converge; the page fits a 375 px phone in
Arabic and French, is usable with the keyboard alone and axe-core finds no serious fault.
Screenshots: test-artifacts/screenshots/checkin-<lang>-<width>.png.

The account is an Editor-like one (no second factor). The state on the server is read through
the page's own roster download: no test talks to the database while the browser is open
(``tests/browser/conftest.py``)."""

import json

import pytest
from django.utils import timezone

from tests.browser.conftest import CHROMIUM_ARGS, SCREENSHOTS, Page
from tests.browser.test_pages import AXE_SCRIPT, WIDTHS, assert_fits
from tests.browser.test_staff_pages import wait_for_width
from tests.conftest import _grant
from tests.factories import ParticipationFactory, PersonFactory, SessionFactory, WorkshopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-password-for-the-browser"
NAMES = [
    ("فاطمة الزهراء", "العلوي"),
    ("Hélène", "Aït Ouahmane"),
    ("Youssef", "Benjelloun"),
    ("مُحَمَّد", "الإدريسي"),
    ("Zoë", "Dupré"),
    ("خديجة", "أوعلي"),
    ("Saïd", "El Ḥajji"),
    ("أسماء", "بنسعيد"),
]


@pytest.fixture
def checkin_workshop(live_server):
    """A workshop of three days around today with eight people registered, none marked."""
    today = timezone.localdate()
    workshop = WorkshopFactory(
        title="Atelier de suivi citoyen – ورشة التتبع",
        slug="atelier-suivi",
        start_date=today,
        end_date=today + timezone.timedelta(days=2),
        status="planned",
    )
    for day in range(3):
        SessionFactory(workshop=workshop, date=today + timezone.timedelta(days=day))
    for first, last in NAMES:
        ParticipationFactory(
            workshop=workshop, person=PersonFactory(first_name=first, last_name=last), status="registered"
        )
    return workshop


@pytest.fixture
def recorder(checkin_workshop, django_user_model):
    user = django_user_model.objects.create_user("recorder", password=PASSWORD, is_staff=True)
    _grant(
        user,
        "workshops.view_workshop",
        "workshops.view_participation",
        "organizations.view_person",
        "workshops.add_attendance",
        "workshops.delete_attendance",
        "organizations.add_person",
        "workshops.add_participation",
    )
    return user


@pytest.fixture
def browser(live_server, recorder, chromium):
    """A Chromium of its own (made after the data: see the module docstring)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def phone(browser, live_server, lang="fr", **options):
    """A new browser context (a phone) signed in as the recorder, on the check-in page, its roster
    downloaded. Returns ``(context, Page)``."""
    context = browser.new_context(viewport={"width": 375, "height": 800}, **options)
    page = Page(context.new_page(), live_server.url)
    page.page.goto(f"{live_server.url}/{lang}/admin/login/")
    page.page.fill("#id_username", "recorder")
    page.page.fill("#id_password", PASSWORD)
    page.page.click("#login-form [type=submit]")
    page.page.wait_for_url(f"**/{lang}/admin/")
    page.open(f"/{lang}/staff/workshops/atelier-suivi/checkin/")
    page.page.wait_for_selector("#content[data-ready='1']")
    # The admin's pages have no icon: Chromium's request of /favicon.ico there is their 404.
    page.errors.clear()
    return context, page


def tick(page, query):
    """Search ``query`` and press the one result's button."""
    page.page.fill("#search", query)
    page.page.locator("#results button").click()


def wait_for_text(page, selector, text):
    """Until ``selector``'s text is ``text`` (polled from here: the page's policy forbids the eval
    of ``wait_for_function``)."""
    for _attempt in range(150):
        if page.page.locator(selector).inner_text() == text:
            return
        page.page.wait_for_timeout(100)
    status = page.page.locator("#sync-status").inner_text()
    raise AssertionError(f"{selector}: {page.page.locator(selector).inner_text()!r}, not {text!r}; {status}")


def wait_until_sent(page):
    wait_for_text(page, "#pending-count", "0")


# The test server's in-memory SQLite answers "database table is locked" at once (a 500 page)
# when two phones write while this reads; a file database waits instead. Ask again, as the
# page itself does.
ROSTER = """async () => {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(document.getElementById("content").dataset.rosterUrl);
    if (response.ok || attempt >= 9) return response.json();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}"""

SEND_AGAIN = """async (body) => {
  let roster = null;
  for (let attempt = 0; roster === null; attempt++) {
    const answer = await fetch(document.getElementById("content").dataset.rosterUrl);
    if (answer.ok || attempt >= 9) roster = await answer.json();
    else await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const response = await fetch(document.getElementById("content").dataset.syncUrl, {
    method: "POST", headers: {"Content-Type": "application/json", "X-CSRFToken": roster.csrf_token}, body,
  });
  return response.json();
}"""


UNKNOWN_CODE = "() => JSON.parse(document.getElementById('checkin-strings').textContent).unknown_code"
DATABASES = "async () => (await indexedDB.databases()).map((database) => database.name)"
COPIES = """() => new Promise((resolve) => {
  indexedDB.open("tracker-checkin").onsuccess = (event) => {
    const count = event.target.result.transaction("copies").objectStore("copies").count();
    count.onsuccess = () => resolve(count.result);
  };
})"""


def server_state(page):
    """``(names of the people present today, number of people)`` as the server says."""
    roster = page.page.evaluate(ROSTER)
    today = roster["current_session"]
    present = {f"{p['first_name']} {p['last_name']}" for p in roster["people"] if today in p["present"]}
    return present, len(roster["people"])


def test_offline_check_in_of_five_and_a_walk_in_reaches_the_server_once(browser, live_server):
    context, page = phone(browser, live_server)
    sent = []
    page.page.on("request", lambda r: r.url.endswith("/checkin/sync") and sent.append(r.post_data))
    page.page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    context.set_offline(True)
    for query in ["فاطمه الزهراء", "helene ait", "BENJELLOUN", "محمد", "zoe"]:
        tick(page, query)
    page.page.fill("#w-first", "Khadija")
    page.page.fill("#w-last", "Ouled Ali")
    page.page.select_option("#w-gender", "female")
    page.page.fill("#w-phone", "06 61 23 45 67")
    page.page.fill("#w-org", "Jamiat Annour")
    page.page.click("#walk-in [type=submit]")
    wait_for_text(page, "#pending-count", "7")  # five ticks, the walk-in and its tick
    assert page.page.locator("#present-count").inner_text() == "6"
    # The page opens again without network, from the service worker, with its queue.
    page.page.reload()
    page.page.wait_for_selector("#content[data-ready='1']")
    wait_for_text(page, "#pending-count", "7")
    assert "text-bg-warning" in page.page.locator("#network").get_attribute("class")
    context.set_offline(False)
    wait_until_sent(page)
    present, count = server_state(page)
    assert present == {
        "فاطمة الزهراء العلوي",
        "Hélène Aït Ouahmane",
        "Youssef Benjelloun",
        "مُحَمَّد الإدريسي",
        "Zoë Dupré",
        "Khadija Ouled Ali",
    }
    assert count == len(NAMES) + 1
    # The same batch sent again changes nothing.
    outcome = page.page.evaluate(SEND_AGAIN, sent[0])
    assert {o["status"] for o in outcome["events"] + outcome["walk_ins"]} == {"duplicate"}
    assert server_state(page) == (present, count)
    assert not page.errors, page.errors
    context.close()


def test_two_phones_checking_in_the_same_people_at_once_converge(browser, live_server):
    context_a, a = phone(browser, live_server)
    context_b, b = phone(browser, live_server)
    context_a.set_offline(True)
    context_b.set_offline(True)
    for query in ["فاطمه", "helene", "youssef", "محمد"]:
        tick(a, query)
    wait_for_text(a, "#pending-count", "4")
    for query in ["youssef", "محمد", "zoe", "خديجه", "فاطمة"]:
        tick(b, query)
    b.page.fill("#search", "فاطمة")
    b.page.locator("#results button").click()  # undone on phone B, after phone A's tick
    wait_for_text(b, "#pending-count", "6")
    context_a.set_offline(False)
    context_b.set_offline(False)
    wait_until_sent(a)
    wait_until_sent(b)
    expected = {"Hélène Aït Ouahmane", "Youssef Benjelloun", "مُحَمَّد الإدريسي", "Zoë Dupré", "خديجة أوعلي"}
    assert server_state(a)[0] == server_state(b)[0] == expected
    for page in (a, b):
        page.page.click("#download")
        wait_for_text(page, "#present-count", "5")
    # Phone A signs out: the page's database is gone. Phone B's session ends (its cookies
    # dropped): its next download is refused and the page deletes the roster it held.
    a.page.click("#checkin-logout [type=submit]")
    a.page.wait_for_url("**/admin/logout/")
    assert "tracker-checkin" not in a.page.evaluate(DATABASES)
    context_b.clear_cookies()
    b.page.click("#download")
    wait_for_text(b, "#total-count", "0")
    assert b.page.evaluate(COPIES) == 0
    context_a.close()
    context_b.close()


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_checkin_page_fits_a_phone_is_keyboard_usable_and_passes_axe(browser, live_server, axe_core, lang):
    # Without the service worker, so that the route below serves axe-core to the page.
    context, page = phone(browser, live_server, lang=lang, service_workers="block")
    page.page.route(
        "**/__browser-tests__/axe.min.js",
        lambda route: route.fulfill(path=str(axe_core), content_type="text/javascript"),
    )
    assert page.page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    # The keyboard alone: to the search field, a name, then Tab to the person's button and Enter.
    page.page.focus("#session")
    page.page.keyboard.press("Tab")
    assert page.page.evaluate("() => document.activeElement.id") == "search"
    page.page.keyboard.type("الزهراء")
    page.page.keyboard.press("Tab")
    page.page.keyboard.press("Enter")
    for _attempt in range(50):
        if page.page.locator("#results button").get_attribute("aria-pressed") == "true":
            break
        page.page.wait_for_timeout(100)
    assert page.page.locator("#results button").get_attribute("aria-pressed") == "true"
    assert page.page.locator("#present-count").inner_text() == "1"
    # A personal code typed (or read from a QR code that carries it in a link) ticks its person.
    token = next(p["token"] for p in page.page.evaluate(ROSTER)["people"] if p["first_name"] == "Youssef")
    page.page.fill("#code", f"https://example.org/pass/{token.upper()}")
    page.page.press("#code", "Enter")
    wait_for_text(page, "#present-count", "2")
    page.page.fill("#code", "0" * 32)
    page.page.press("#code", "Enter")
    assert page.page.locator("#status").inner_text() == page.page.evaluate(UNKNOWN_CODE)
    page.page.fill("#search", "ال")  # the ticked person and others
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.page.set_viewport_size({"width": width, "height": 900})
        wait_for_width(page, width)
        assert_fits(page, "check-in", width)
        page.page.screenshot(path=str(SCREENSHOTS / f"checkin-{lang}-{width}.png"), full_page=True)
    page.page.add_script_tag(url="/__browser-tests__/axe.min.js")
    violations = page.page.evaluate(AXE_SCRIPT)
    serious = [v for v in violations if v["impact"] in {"serious", "critical"}]
    assert not serious, json.dumps(serious, ensure_ascii=False)
    assert not page.errors, page.errors
    context.close()


def test_code_typed_as_the_confirmation_page_shows_it_ticks_the_person(browser, live_server):
    """The registration's confirmation shows the code in groups of four ("8b6b 2b38 …"); typed so,
    with hyphens, or with an Arabic keyboard's digits (٠–٩), it is the same code."""
    context, page = phone(browser, live_server, lang="ar")
    tokens = {p["first_name"]: p["token"] for p in page.page.evaluate(ROSTER)["people"]}
    eastern = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    typed = {
        "Youssef": " ".join(tokens["Youssef"][i : i + 4] for i in range(0, 32, 4)),
        "Hélène": "-".join(tokens["Hélène"][i : i + 8] for i in range(0, 32, 8)).upper(),
        "Zoë": " ".join(tokens["Zoë"][i : i + 4] for i in range(0, 32, 4)).translate(eastern),
    }
    for count, code in enumerate(typed.values(), start=1):
        page.page.fill("#code", code)
        page.page.press("#code", "Enter")
        wait_for_text(page, "#present-count", str(count))
    wait_until_sent(page)
    present, _people = server_state(page)
    assert present == {"Youssef Benjelloun", "Hélène Aït Ouahmane", "Zoë Dupré"}
    context.close()
