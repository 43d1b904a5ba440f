"""Attendance import: the sample sheets, headers below titles, and all-or-nothing errors."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from attendance.apply import import_attendance
from attendance.vocabulary import AttendanceImportError, parse_presence
from organizations.models import Organization, Person
from tests.attendance.conftest import sample
from workshops.models import Attendance, Participation

pytestmark = pytest.mark.django_db

HEADER = "N°;Nom;Prénom;Sexe;Organisation;Région;Tél;E-mail;J1;J2;J3"


def csv_bytes(*lines):
    return ("\n".join(lines) + "\n").encode("utf-8")


def counts():
    """(people, organisations other than organisers, participations, attendance marks)."""
    return (
        Person.objects.count(),
        Organization.objects.filter(organized_workshops=None).count(),
        Participation.objects.count(),
        Attendance.objects.count(),
    )


def per_session(workshop):
    return [s.attendances.count() for s in workshop.sessions.order_by("position")]


@pytest.mark.parametrize(
    "name",
    [
        "marrakech-2021-03-attendance-ar.xlsx",
        "marrakech-2021-03-attendance-ar.csv",
        "marrakech-2021-03-attendance-fr.csv",
    ],
)
def test_every_sample_sheet_imports_to_the_same_figures(three_day_workshop, name):
    result = import_attendance(three_day_workshop, sample(name), name)
    assert result.rows == 50
    people = Person.objects.filter(participations__workshop=three_day_workshop)
    assert people.count() == 50
    assert people.filter(gender=Person.Gender.FEMALE).count() == 23
    by_region = {code: people.filter(region__code=code).count() for code in ("03", "05", "01")}
    assert by_region == {"03": 17, "05": 17, "01": 16}
    assert per_session(three_day_workshop) == [48, 50, 45]
    assert people.get(phone="+212600000901").email == "participant01@example.org"


def test_reimporting_the_same_sheet_changes_nothing(three_day_workshop):
    data = sample("marrakech-2021-03-attendance-ar.xlsx")
    import_attendance(three_day_workshop, data, "sheet.xlsx")
    before = counts()
    result = import_attendance(three_day_workshop, data, "sheet.xlsx")
    assert counts() == before
    assert (result.people_created, result.people_matched, result.marks_added, result.marks_removed) == (
        0,
        50,
        0,
        0,
    )


def test_header_is_found_below_title_lines_in_xlsx(three_day_workshop):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Atelier de Marrakech"])
    sheet.append([])
    sheet.append(["Liste de présence", None, "mars 2021"])
    sheet.append(["Nom complet", "Genre", "Région", "GSM", "Jour 1", "Jour 2", "Jour 3"])
    sheet.append(["Salma Idrissi", "Femme", "Fès - Meknès", 612345678, "X", None, "oui"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_attendance(three_day_workshop, buffer.getvalue(), "sheet.xlsx")
    person = Person.objects.get()
    assert result.rows == 1
    assert (person.last_name, person.gender, person.region.code, person.phone) == (
        "Salma Idrissi",
        "female",
        "03",
        "+212612345678",
    )
    assert per_session(three_day_workshop) == [1, 0, 1]


def test_unknown_region_is_reported_with_row_and_column_and_nothing_is_saved(three_day_workshop):
    data = csv_bytes(
        HEADER,
        "1;Alaoui;Sara;F;Association A;Fès-Meknès;0612345601;;x;x;x",
        "2;Bennis;Omar;H;Association B;Atlantide;0612345602;;x;;x",
    )
    with pytest.raises(AttendanceImportError) as excinfo:
        import_attendance(three_day_workshop, data, "sheet.csv")
    [error] = excinfo.value.errors
    assert (error.row, error.column) == (3, "Région")
    assert "Atlantide" in error.message
    assert counts() == (0, 0, 0, 0)


def test_missing_name_is_reported_with_row_and_nothing_is_saved(three_day_workshop):
    data = csv_bytes(
        HEADER,
        "1;Alaoui;Sara;F;Association A;Fès-Meknès;0612345601;;x;x;x",
        "2;;;H;Association B;Oriental;0612345602;;x;;x",
    )
    with pytest.raises(AttendanceImportError) as excinfo:
        import_attendance(three_day_workshop, data, "sheet.csv")
    [error] = excinfo.value.errors
    assert error.row == 3
    assert error.column == "Nom"
    assert counts() == (0, 0, 0, 0)


def test_bad_date_in_a_day_header_is_reported(three_day_workshop):
    data = csv_bytes("Nom;Prénom;Sexe;Région;J1 (05/03/2021);J2 (31/02/2021)", "Alaoui;Sara;F;Fès-Meknès;x;x")
    with pytest.raises(AttendanceImportError) as excinfo:
        import_attendance(three_day_workshop, data, "sheet.csv")
    [error] = excinfo.value.errors
    assert (error.row, error.column) == (1, "J2 (31/02/2021)")
    assert "31/02/2021" in error.message
    assert counts() == (0, 0, 0, 0)


def test_date_outside_the_workshop_is_reported(three_day_workshop):
    data = csv_bytes("Nom;Prénom;09/03/2021", "Alaoui;Sara;x")
    with pytest.raises(AttendanceImportError) as excinfo:
        import_attendance(three_day_workshop, data, "sheet.csv")
    assert "09/03/2021" in excinfo.value.errors[0].message


def test_bad_date_in_a_row_is_reported_with_row_and_column(three_day_workshop):
    data = csv_bytes(
        "Nom;Prénom;Date de consentement;J1", "Alaoui;Sara;05/03/2021;x", "Bennis;Omar;2021-13-45;x"
    )
    with pytest.raises(AttendanceImportError) as excinfo:
        import_attendance(three_day_workshop, data, "sheet.csv")
    [error] = excinfo.value.errors
    assert (error.row, error.column) == (3, "Date de consentement")
    assert counts() == (0, 0, 0, 0)


def test_every_bad_row_is_listed_at_once(three_day_workshop):
    data = csv_bytes(
        HEADER, "1;;;F;A;Fès-Meknès;0612345601;;x;x;x", "2;Bennis;Omar;Z;B;Oriental;12;not-an-email;x;?;x"
    )
    with pytest.raises(AttendanceImportError) as excinfo:
        import_attendance(three_day_workshop, data, "sheet.csv")
    located = {(e.row, e.column) for e in excinfo.value.errors}
    assert located == {(2, "Nom"), (3, "Sexe"), (3, "Tél"), (3, "E-mail"), (3, "J2")}


def test_error_messages_are_translated(three_day_workshop):
    data = csv_bytes(HEADER, "1;Alaoui;Sara;F;A;Atlantide;0612345601;;x;x;x")
    with translation.override("fr"), pytest.raises(AttendanceImportError) as excinfo:
        import_attendance(three_day_workshop, data, "sheet.csv")
    with translation.override("fr"):
        text = str(excinfo.value.errors[0])
    assert text.startswith("Ligne 2")


def test_same_person_twice_in_a_file_is_merged_and_said(three_day_workshop):
    data = csv_bytes(
        HEADER,
        "1;Alaoui;Sara;F;A;Fès-Meknès;0612345601;;x;;",
        "2;ALAOUI;Sara;F;A;Fès-Meknès;06 12 34 56 01;;;x;",
    )
    result = import_attendance(three_day_workshop, data, "sheet.csv")
    assert Person.objects.count() == 1
    assert (result.rows, result.rows_merged, result.people_created) == (2, 1, 1)
    assert per_session(three_day_workshop) == [1, 1, 0]
    [planned] = result.plan
    assert planned.rows == [2, 3]
    assert any("Rows 2, 3 are the same person" in w.message for w in result.warnings)


def test_people_are_matched_by_phone_across_workshops(three_day_workshop, example):
    data = csv_bytes(HEADER, "1;Bennani;Nezha;F;;Fès-Meknès;+212 600-000901;;x;x;x")
    result = import_attendance(three_day_workshop, data, "sheet.csv")
    assert (result.people_created, result.people_matched) == (0, 1)
    assert Person.objects.get(phone="+212600000901").participations.count() == 2


def test_a_corrected_sheet_removes_marks(three_day_workshop):
    import_attendance(three_day_workshop, csv_bytes(HEADER, "1;A;B;F;;;0612345601;;x;x;x"), "a.csv")
    result = import_attendance(three_day_workshop, csv_bytes(HEADER, "1;A;B;F;;;0612345601;;x;;"), "a.csv")
    assert result.marks_removed == 2
    assert per_session(three_day_workshop) == [1, 0, 0]


def test_no_ticks_means_no_show(three_day_workshop):
    import_attendance(three_day_workshop, csv_bytes(HEADER, "1;A;B;F;;;0612345601;;;;"), "a.csv")
    assert Participation.objects.get().status == Participation.Status.NO_SHOW


def test_dry_run_saves_nothing(three_day_workshop):
    result = import_attendance(
        three_day_workshop, sample("marrakech-2021-03-attendance-ar.csv"), "a.csv", dry_run=True
    )
    assert result.people_created == 50
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"\x00\x01garbage", "sheet.xlsx", "not a valid .xlsx"),
        (b"PK\x03\x04broken zip", "sheet.xlsx", "not a valid .xlsx"),
        (b"%PDF-1.7 not a sheet", "sheet.csv", "not a spreadsheet"),
        (b"\x89PNG\r\n\x1a\n", "sheet.xlsx", "not a valid .xlsx"),
        (b"whatever", "sheet.pdf", ".pdf"),
        (b"a,b,c\n1,2,3\n", "sheet.csv", "No header row"),
    ],
)
def test_unreadable_files_give_a_clear_message(three_day_workshop, data, name, expected):
    with pytest.raises(AttendanceImportError) as excinfo:
        import_attendance(three_day_workshop, data, name)
    assert expected in str(excinfo.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("✓", True),
        ("x", True),
        ("X", True),
        ("1", True),
        ("oui", True),
        ("نعم", True),
        ("حاضر", True),
        ("P", True),
        ("", False),
        ("0", False),
        ("غائب", False),
        ("-", False),
        ("peut-être", None),
    ],
)
def test_presence_marks(value, expected):
    assert parse_presence(value) is expected


def test_import_command_by_slug(three_day_workshop, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_bytes(sample("marrakech-2021-03-attendance-fr.csv"))
    call_command("import_attendance", three_day_workshop.slug, str(path))
    assert Participation.objects.filter(workshop=three_day_workshop).count() == 50


def test_import_command_fails_on_errors_and_saves_nothing(three_day_workshop, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_bytes(csv_bytes(HEADER, "1;A;B;F;;Atlantide;0612345601;;x;x;x"))
    with pytest.raises(CommandError):
        call_command("import_attendance", str(three_day_workshop.pk), str(path))
    assert counts() == (0, 0, 0, 0)


def test_import_command_rejects_unknown_workshop(db, tmp_path):
    with pytest.raises(CommandError, match="no-such-workshop"):
        call_command("import_attendance", "no-such-workshop", str(tmp_path / "x.csv"))


def test_a_confirmed_import_is_one_audit_entry_on_its_workshop(three_day_workshop):
    from auditlog.models import LogEntry

    def entries():
        audit = LogEntry.objects.get_for_object(three_day_workshop)
        return audit.filter(changes__has_key="attendance import")

    data = sample("marrakech-2021-03-attendance-ar.csv")
    import_attendance(three_day_workshop, data, "a.csv")
    assert "50" in entries().get().changes["attendance import"][1]
    import_attendance(three_day_workshop, data, "a.csv", dry_run=True)
    assert entries().count() == 1
