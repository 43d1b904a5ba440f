"""Staff pages in a real browser: the attendance import's preview and the report across
workshops (the widest staff pages), and a list, fit a 375 px phone in Arabic and French, and
axe-core finds no serious or critical fault on them. Screenshots go to test-artifacts/screenshots/
(import-preview-, import-preview-without-days-, participants-report-,
workshop-list-<lang>-<width>.png).

The staff member is an Editor-like account (view workshops and participation, import
attendance): such an account needs no second factor, so the browser signs in with the password
alone."""

from pathlib import Path

import pytest

from attendance.choices import Question
from attendance.example import marrakech
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_pages import AXE_SCRIPT, WIDTHS, assert_fits
from tests.conftest import _grant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-password-for-the-browser"
EXAMPLE_SHEET = Path(marrakech.__file__).parent / "marrakech-2021-03-attendance-fr.csv"


@pytest.fixture
def importer(example, django_user_model):
    """A staff account that may import attendance, made before the browser opens."""
    user = django_user_model.objects.create_user("importer", password=PASSWORD, is_staff=True)
    _grant(
        user,
        "workshops.view_workshop",
        "workshops.view_participation",
        "workshops.import_attendance",
        "organizations.view_person",
    )
    return user


def sign_in(page, lang):
    page.page.goto(f"{page.base_url}/{lang}/admin/login/")
    page.page.fill("#id_username", "importer")
    page.page.fill("#id_password", PASSWORD)
    page.page.click("#login-form [type=submit]")
    page.page.wait_for_url(f"**/{lang}/admin/")


def wait_for_width(page, width):
    """Until the page is laid out at ``width`` (a resize is not instantaneous under load); polled
    from here: the page's policy forbids the eval of ``wait_for_function``."""
    for _attempt in range(50):
        if page.page.evaluate("() => window.innerWidth") == width:
            return
        page.page.wait_for_timeout(100)
    raise AssertionError(f"the page never took the width {width}")


def assert_fits_and_passes_axe(page, path, name, lang):
    """At each width: nothing wider than the screen, and a screenshot; then axe-core."""
    assert page.page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    for width in WIDTHS:
        page.page.set_viewport_size({"width": width, "height": 900})
        wait_for_width(page, width)
        assert_fits(page, path, width)
        page.page.screenshot(path=str(SCREENSHOTS / f"{name}-{lang}-{width}.png"), full_page=True)
    page.page.add_script_tag(url="/__browser-tests__/axe.min.js")
    violations = page.page.evaluate(AXE_SCRIPT)
    serious = [v for v in violations if v["impact"] in {"serious", "critical"}]
    assert not serious, f"axe-core on {path}: {serious}"


def preview_import(page, axe_core, lang, workshop, sheet):
    """Sign in (in ``lang``), upload ``sheet`` (a path) to ``workshop``'s import page and wait for
    the preview; axe-core is served to the page. Returns the page's path."""
    page.page.route(
        "**/__browser-tests__/axe.min.js",
        lambda route: route.fulfill(path=str(axe_core), content_type="text/javascript"),
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, lang)
    path = f"/{lang}/admin/workshops/workshop/{workshop.pk}/import-attendance/"
    page.open(path)
    page.page.set_input_files("input[type=file]", str(sheet))
    page.page.click("#content-main input[type=submit].default")
    page.page.wait_for_selector(".import-plan")
    return path


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_import_preview_and_report_fit_a_phone_and_pass_axe(importer, example, page, axe_core, lang):
    path = preview_import(page, axe_core, lang, example, EXAMPLE_SHEET)
    assert_fits_and_passes_axe(page, path, "import-preview", lang)
    path = f"/{lang}/reports/participants/"
    page.open(path)
    assert_fits_and_passes_axe(page, path, "participants-report", lang)
    path = f"/{lang}/admin/workshops/workshop/?q=2021"  # searched: "(N total)" beside the box
    page.open(path)
    assert page.page.locator("#changelist-search .small a").count() == 1
    assert_fits_and_passes_axe(page, path, "workshop-list", lang)


def sheet_without_days(folder):
    """The example's French sheet as a typed-up sign-in sheet: a title line, the day columns
    replaced by an empty "Émargement" column, one name spelled otherwise. Returns its path."""
    lines = EXAMPLE_SHEET.read_text(encoding="utf-8-sig").splitlines()
    rows = [line.split(";")[:-3] for line in lines]
    rows[0].append("Émargement")
    for row in rows[1:]:
        row.append("")
    rows[1][1] = "BENANI"
    path = folder / "emargement.csv"
    text = "\n".join(";".join(row) for row in [["Feuille d'émargement"], *rows])
    path.write_text(text, encoding="utf-8-sig")
    return path


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_import_preview_without_day_columns_asks_and_shows_what_was_read(
    importer, example, page, axe_core, lang, tmp_path
):
    path = preview_import(page, axe_core, lang, example, sheet_without_days(tmp_path))
    # The example's French organisation names are asked about too (one question each).
    days = Question(kind="without_days", value="", text="", options=[]).field_name
    assert page.page.locator(f'select[name="{days}"] option[selected]').get_attribute("value") == "all"
    assert page.page.locator(".import-totals table").count() == 2
    assert page.page.locator(".import-plan thead th").count() == 10  # 7 columns and 3 sessions
    assert_fits_and_passes_axe(page, path, "import-preview-without-days", lang)


LONG = " – section locale, bureau régional et cellule de coordination"


@pytest.fixture
def long_named_organisations(example):
    """Saved organisations with long names, each in its region, that the sheet below spells a
    little otherwise: the questions propose them (a name spelt alike in the same region), with
    long answers. Made before the browser opens."""
    from organizations.models import Organization
    from regions.models import Region

    lines = EXAMPLE_SHEET.read_text(encoding="utf-8-sig").splitlines()
    for row in {tuple(line.split(";")[i] for i in (4, 7)) for line in lines[1:]}:
        saved = f"{row[0]}{LONG}".replace("cellule", "cellules")
        Organization.objects.create(name=saved, region=Region.objects.match(row[1]))


def sheet_with_other_organisation_names(folder):
    """The example's French sheet with each organisation spelt at length, as a partner might:
    every name asks which saved organisation it is, with long answers. Returns its path."""
    lines = EXAMPLE_SHEET.read_text(encoding="utf-8-sig").splitlines()
    rows = [line.split(";") for line in lines]
    for row in rows[1:]:
        row[4] = f"{row[4]}{LONG}"
    path = folder / "organisations.csv"
    path.write_text("\n".join(";".join(row) for row in rows), encoding="utf-8-sig")
    return path


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_questions_with_long_answers_fit_a_phone(
    importer, long_named_organisations, example, page, axe_core, lang, tmp_path
):
    path = preview_import(page, axe_core, lang, example, sheet_with_other_organisation_names(tmp_path))
    assert page.page.locator(".import-questions select").count() > 1
    assert_fits_and_passes_axe(page, path, "import-preview-organisations", lang)
