"""Import rules: duplicates merged in the open, statuses, walk-ins, formula-like text, sheets
shaped like real ones that are not attendance lists, and a query count that does not grow."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from attendance.apply import import_attendance
from attendance.choices import Choices
from attendance.exports import render_attendance
from attendance.places import RegionReader
from attendance.rows import parse_rows
from attendance.vocabulary import AttendanceImportError
from organizations.models import Person
from tests.attendance.conftest import refused
from tests.attendance.sheetmakers import french_sign_in_template_shape, schools_export_shape, to_csv, to_xlsx
from tests.factories import OrganizationFactory, ParticipationFactory, PersonFactory
from workshops.models import Participation

pytestmark = pytest.mark.django_db

HEADER = ["Nom", "Prénom", "Sexe", "Organisation", "Région", "Tél", "E-mail", "J1", "J2", "J3"]


def sheet(*rows, header=HEADER):
    return to_csv([header, *rows], delimiter=";")


def days(workshop):
    return [s.attendances.count() for s in workshop.sessions.order_by("position")]


def messages(result):
    return [w.message for w in result.warnings]


# Duplicates ----------------------------------------------------------------------------------


def test_rows_sharing_a_phone_or_an_email_chain_into_one_person(three_day_workshop):
    data = sheet(
        ["Alaoui", "Sara", "F", "", "", "0612345601", "", "x", "", ""],
        ["Alaoui", "Sara", "F", "", "", "+212612345601", "sara@example.org", "", "x", ""],
        ["Alaoui", "S.", "", "", "Oriental", "", "SARA@example.org", "", "", "x"],
    )
    result = import_attendance(three_day_workshop, data, "a.csv")
    person = Person.objects.get()
    assert (person.first_name, person.email, person.region.code) == ("Sara", "sara@example.org", "02")
    assert days(three_day_workshop) == [1, 1, 1]
    assert result.plan[0].rows == [2, 3, 4]
    assert (
        "Rows 2, 3, 4 are the same person (same phone or e-mail): they are merged into one participant."
        in (messages(result))
    )
    # The differing first name is reported on its row and column, with the value kept.
    conflict = next(w for w in result.warnings if w.row == 4 and w.column == "Prénom")
    assert "“S.”" in conflict.message and "“Sara”" in conflict.message


def test_conflicting_gender_in_merged_rows_is_reported(three_day_workshop):
    data = sheet(
        ["Alaoui", "Sara", "F", "", "", "0612345601", "", "x", "", ""],
        ["Alaoui", "Sara", "H", "", "", "0612345601", "", "", "", ""],
    )
    result = import_attendance(three_day_workshop, data, "a.csv")
    assert Person.objects.get().gender == "female"
    assert any(w.row == 3 and w.column == "Sexe" for w in result.warnings)


def test_phone_of_one_saved_person_and_email_of_another_matches_the_phone(three_day_workshop):
    by_phone = PersonFactory(phone="+212612345601", email="")
    by_email = PersonFactory(phone="", email="other@example.org")
    data = sheet(["X", "Y", "F", "", "", "0612345601", "other@example.org", "x", "x", "x"])
    result = import_attendance(three_day_workshop, data, "a.csv")
    by_phone.refresh_from_db()
    assert by_phone.email == ""  # not copied: it belongs to someone else
    assert Participation.objects.get().person == by_phone
    assert by_email.participations.count() == 0
    assert any("two people already saved" in m for m in messages(result))


def test_rows_reaching_the_same_saved_person_are_merged(three_day_workshop):
    saved = PersonFactory(phone="+212612345601", email="saved@example.org")
    data = sheet(
        ["A", "B", "F", "", "", "0612345601", "", "x", "", ""],
        ["A", "B", "F", "", "", "", "saved@example.org", "", "", "x"],
    )
    result = import_attendance(three_day_workshop, data, "a.csv")
    assert Participation.objects.get().person == saved
    assert days(three_day_workshop) == [1, 0, 1]
    assert result.rows_merged == 1
    assert any("same saved person" in m for m in messages(result))


def test_same_name_and_organisation_with_other_contacts_is_a_warning_not_a_merge(three_day_workshop):
    data = sheet(
        ["Alaoui", "Sara", "F", "Association A", "", "0612345601", "", "x", "", ""],
        ["ALAOUI", "Sara", "F", "association a", "", "0612345602", "", "x", "", ""],
    )
    result = import_attendance(three_day_workshop, data, "a.csv")
    assert Person.objects.count() == 2
    [warning] = result.warnings
    assert warning.row == 3
    assert "Same name and organisation as row 2" in warning.message


def test_a_saved_look_alike_is_warned_about(three_day_workshop):
    organization = OrganizationFactory(name="Association A")
    PersonFactory(first_name="Sara", last_name="Alaoui", organization=organization, phone="+212612345609")
    data = sheet(["ALAOUI", "Sara", "F", "Association A", "", "0612345601", "", "x", "", ""])
    result = import_attendance(three_day_workshop, data, "a.csv")
    assert Person.objects.count() == 2
    assert any("+212612345609" in m and "already saved" in m for m in messages(result))


# Statuses, walk-ins, no-shows ------------------------------------------------------------------


@pytest.mark.parametrize("word", ["annulé", "Cancelled", "ملغى", "ملغاة"])
def test_a_status_column_can_cancel(three_day_workshop, word):
    data = sheet(
        ["Alaoui", "Sara", "F", "", "", "0612345601", "", "", "", "", word],
        header=[*HEADER, "Statut"],
    )
    import_attendance(three_day_workshop, data, "a.csv")
    assert Participation.objects.get().status == Participation.Status.CANCELLED


def test_cancelled_with_ticks_is_an_error(three_day_workshop):
    data = sheet(
        ["Alaoui", "Sara", "F", "", "", "0612345601", "", "x", "", "", "annulé"],
        header=[*HEADER, "الحالة"],
    )
    with pytest.raises(AttendanceImportError) as excinfo:
        import_attendance(three_day_workshop, data, "a.csv")
    [error] = excinfo.value.errors
    assert (error.row, error.column) == (2, "الحالة")


def test_registered_then_attendance_sheet_walk_ins_and_no_shows(three_day_workshop):
    registration = to_csv(
        [
            ["Nom complet", "Tél"],
            ["Sara Alaoui", "0612345601"],
            ["Omar Bennis", "0612345602"],
            ["Hind Tazi", "0612345603"],
        ]
    )
    first = import_attendance(three_day_workshop, registration, "registration.csv")
    assert set(Participation.objects.values_list("status", flat=True)) == {"registered"}
    [question] = first.questions  # no day columns: asked, "registered only" proposed
    assert (question.kind, question.answer) == ("without_days", "registered")
    attendance = to_csv(
        [
            ["Nom complet", "Tél", "J1", "J2", "J3"],
            ["Sara Alaoui", "0612345601", "x", "x", ""],
            ["Omar Bennis", "0612345602", "", "", ""],
            ["Youssef Amrani", "0612345604", "", "x", "x"],  # a walk-in
        ]
    )
    result = import_attendance(three_day_workshop, attendance, "day-sheet.csv")
    statuses = dict(Participation.objects.values_list("person__phone", "status"))
    assert statuses == {
        "+212612345601": "attended",
        "+212612345602": "no_show",
        "+212612345603": "registered",  # not on the day sheet: left as it was
        "+212612345604": "attended",
    }
    assert (result.participations_created, result.participations_updated, result.not_in_sheet) == (1, 2, 1)


def test_a_cancelled_participation_stays_cancelled_without_ticks(three_day_workshop):
    participation = ParticipationFactory(
        workshop=three_day_workshop,
        person=PersonFactory(phone="+212612345601"),
        status=Participation.Status.CANCELLED,
    )
    import_attendance(
        three_day_workshop, sheet(["A", "B", "F", "", "", "0612345601", "", "", "", ""]), "a.csv"
    )
    participation.refresh_from_db()
    assert participation.status == Participation.Status.CANCELLED


# Formula-like text ----------------------------------------------------------------------------


FORMULAS = ["=1+2", "-2+3", "@SUM(A1)", '=HYPERLINK("http://x")', "+A1", " =1"]
NOT_FORMULAS = ["+33 cmd", "- Ahmed", "@jeunes", "Tabbed"]


def test_formulas_are_never_names_and_are_refused_naming_row_and_column(three_day_workshop):
    rows = [
        [value, "Sara", "F", "", "", f"061234560{i}", "", "x", "", ""] for i, value in enumerate(FORMULAS)
    ]
    rows.append(["Alaoui", "Sara", "F", '=HYPERLINK("http://x","Association Amal")', "", "0612345609"])
    errors = refused(three_day_workshop, sheet(*rows), "a.csv")
    assert [(e.row, e.column) for e in errors] == [(n, "Nom") for n in range(2, 8)] + [(8, "Organisation")]
    assert errors[0].message == (
        "“=1+2” is a spreadsheet formula, not a name: type the name itself (or copy the cells and paste "
        "them as values only)."
    )


def test_text_like_a_formula_but_not_one_is_a_name(three_day_workshop):
    rows = [
        [value, "Sara", "F", "", "", f"061234560{i}", "", "x", "", ""] for i, value in enumerate(NOT_FORMULAS)
    ]
    rows.append(["\tTabbed", "\rReturn", "F", "", "", "0612345609", "", "x", "", ""])
    import_attendance(three_day_workshop, sheet(*rows), "a.csv")
    assert set(Person.objects.values_list("last_name", flat=True)) == set(NOT_FORMULAS)


def test_names_stored_before_look_like_formulas_are_exported_neutralised(three_day_workshop):
    for value in FORMULAS + NOT_FORMULAS:
        ParticipationFactory(workshop=three_day_workshop, person=PersonFactory(last_name=value))
    exported = list(csv.reader(io.StringIO(render_attendance(three_day_workshop, "csv").decode("utf-8-sig"))))
    count = len(FORMULAS + NOT_FORMULAS)
    last_names = {row[0] for row in exported[1 : count + 1]}
    expected = {"'" + v if v[0] in "=+-@" else v for v in FORMULAS + NOT_FORMULAS}
    assert last_names == expected
    workbook = load_workbook(io.BytesIO(render_attendance(three_day_workshop, "xlsx")))
    cells = [row[0] for row in workbook.worksheets[0].iter_rows(min_row=2, max_row=count + 1)]
    assert {cell.value for cell in cells} == expected
    assert {cell.data_type for cell in cells} == {"s"}


def test_an_exports_neutralised_names_read_back_as_typed(three_day_workshop):
    rows = [
        ["'" + value, "Sara", "F", "'@Jeunes", "", f"061234560{i}", "", "x", "", ""]
        for i, value in enumerate(NOT_FORMULAS[:3])
    ]
    import_attendance(three_day_workshop, sheet(*rows), "a.csv")
    assert set(Person.objects.values_list("last_name", flat=True)) == set(NOT_FORMULAS[:3])
    assert set(Person.objects.values_list("organization__name", flat=True)) == {"@Jeunes"}
    errors = refused(three_day_workshop, sheet(["'=1+2", "Sara", "F", "", "", "0612345609"]), "a.csv")
    assert [(e.row, e.column) for e in errors] == [(2, "Nom")]
    assert errors[0].message.startswith("“=1+2” is a spreadsheet formula")


def test_a_text_cell_starting_with_equals_in_xlsx_is_refused(three_day_workshop):
    data = to_xlsx(
        [["Nom complet", "Tél", "J1"], ['=HYPERLINK("http://x","y")', "0612345601", "✓"]],
        text_cells={'=HYPERLINK("http://x","y")'},
    )
    [error] = refused(three_day_workshop, data, "a.xlsx")
    assert (error.row, error.column) == (2, "Nom complet")


@pytest.mark.parametrize(
    ("cell", "accepted"),
    [
        # openpyxl in read-only mode gives the formula's text when it has no cached value...
        ('=HYPERLINK("https://amal.ma","Association Amal")', False),
        # ...and python-calamine (like openpyxl's data_only) the value the spreadsheet showed.
        ("Association Amal", True),
    ],
)
def test_both_readers_outputs_go_through_the_row_parser_as_plain_text(three_day_workshop, cell, accepted):
    sessions = list(three_day_workshop.sessions.all())
    rows = [
        (1, ["Nom", "Prénom", "Organisation", "Tél", "J1"]),
        (2, ["Alaoui", "Sara", cell, "0612345601", "x"]),
    ]
    parsed = parse_rows(rows, sessions, RegionReader(Choices()))
    if accepted:
        assert parsed.errors == [] and parsed.rows[0].organization == "Association Amal"
    else:
        assert [(e.row, e.column) for e in parsed.errors] == [(2, "Organisation")] and parsed.rows == []


# Sheets shaped like real ones ------------------------------------------------------------------


def test_a_schools_export_is_refused_naming_the_missing_columns(three_day_workshop):
    with pytest.raises(AttendanceImportError) as excinfo:
        import_attendance(three_day_workshop, schools_export_shape(), "export.xlsx")
    [error] = excinfo.value.errors
    assert error.row == 8
    assert "does not look like a list of participants" in error.message
    assert "recognised: organisation, city" in error.message
    for missing in ("last name", "first name", "full name", "gender", "phone", "presence per day"):
        assert missing in error.message.split("Missing columns:")[1]
    assert Person.objects.count() == 0


def test_a_french_sign_in_template_gives_its_people_present_at_every_session(three_day_workshop):
    result = import_attendance(three_day_workshop, french_sign_in_template_shape(), "emargement.xlsx")
    assert result.header_row == 15
    people = Person.objects.all()
    assert people.count() == 22
    assert people.filter(gender="male").count() == 14
    assert people.filter(gender="female").count() == 8
    assert people.filter(last_name="LAMBERT", first_name="Élise").exists()
    # No day columns, and a file named as a sign-in sheet: "present at every session" proposed.
    [question] = result.questions
    assert (question.kind, question.answer) == ("without_days", "all")
    assert set(Participation.objects.values_list("status", flat=True)) == {"attended"}
    assert days(three_day_workshop) == [22, 22, 22]


# Queries --------------------------------------------------------------------------------------


def people_rows(count, start=0):
    return [
        [
            f"Nom{i}",
            f"Prénom{i}",
            "F" if i % 2 else "H",
            f"Association {i % 4}",
            "Oriental",
            f"06123{i:05d}",
            "",
            "x",
            "",
            "x",
        ]
        for i in range(start, start + count)
    ]


def test_import_queries_do_not_grow_with_rows(three_day_workshop):
    counts = []
    # 30 rows: more would split into several INSERTs on SQLite (999 parameters a query), by design.
    for start, count in ((0, 3), (100, 30)):
        with CaptureQueriesContext(connection) as queries:
            import_attendance(three_day_workshop, sheet(*people_rows(count, start)), "a.csv")
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert Person.objects.count() == 33


def test_rows_of_one_person_are_listed_with_the_arabic_comma_in_arabic(three_day_workshop):
    data = sheet(
        ["Alaoui", "Sara", "F", "", "", "0612345601", "", "x", "", ""],
        ["Alaoui", "Sara", "F", "", "", "+212612345601", "", "", "x", ""],
    )
    with translation.override("ar"):
        result = import_attendance(three_day_workshop, data, "a.csv")
        rows = next(w.message for w in result.warnings if "2" in w.message and "3" in w.message)
    assert "2، 3" in rows and "2, 3" not in rows
