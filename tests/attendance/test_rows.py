"""Values of a row: over-long values and control characters, the number of errors listed, and
a database refusal while writing (nothing saved)."""

import pytest
from django.db import connection

from attendance.apply import import_attendance
from organizations.models import Organization, Person
from tests.attendance.conftest import refused, sample
from tests.attendance.sheetmakers import sample_rows, to_csv, to_xls

pytestmark = pytest.mark.django_db

FR = "marrakech-2021-03-attendance-fr.csv"


# Over-long values and control characters ----------------------------------------------------


def fr_sheet(**changes):
    """The French sample with cells replaced: ``{(row index, column index): value}``."""
    rows = sample_rows(FR)
    for (r, c), value in changes.get("cells", {}).items():
        rows[r][c] = value
    return to_csv(rows, delimiter=";")


@pytest.mark.parametrize(
    ("column", "value", "header"),
    [
        (1, "D" * 150, "Nom"),
        (2, "S" * 101, "Prénom"),
        (4, "A" * 256, "Organisation"),
        (5, "P" * 151, "Fonction"),
        (6, "V" * 101, "Ville"),
        (9, "a" * 250 + "@example.org", "E-mail"),
    ],
)
def test_over_long_values_are_refused_naming_row_and_column(three_day_workshop, column, value, header):
    errors = refused(three_day_workshop, fr_sheet(cells={(3, column): value}), "a.csv")
    assert [(e.row, e.column) for e in errors] == [(4, header)]
    assert "at most" in errors[0].message


def test_an_organisation_whose_matching_key_is_too_long_is_refused(three_day_workshop):
    # NFKC expands the ligature ﷺ to 18 characters: the folded key outgrows its column.
    errors = refused(three_day_workshop, fr_sheet(cells={(3, 4): "ﷺ" * 20}), "a.csv")
    assert [(e.row, e.column) for e in errors] == [(4, "Organisation")]


def test_nul_and_control_characters_are_removed_before_saving(three_day_workshop):
    data = fr_sheet(cells={(3, 1): "BEL\x00HAJ\x07", (3, 4): "Réseau\x1b des jeunes\x00"})
    import_attendance(three_day_workshop, data, "a.csv")
    person = Person.objects.get(phone="+212600000903")
    assert person.last_name == "BELHAJ"
    assert person.organization.name == "Réseau des jeunes"


def test_control_characters_in_xls_cells_are_removed(three_day_workshop):
    rows = sample_rows(FR)
    rows[3][1] = "BEL\x00HAJ\x1b"
    import_attendance(three_day_workshop, to_xls(rows), "a.xls")
    assert Person.objects.get(phone="+212600000903").last_name == "BELHAJ"


@pytest.fixture
def failing_person_insert(db):
    """A database trigger that refuses any new person, as a server-side error would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_person() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_person BEFORE INSERT ON organizations_person "
                "FOR EACH ROW EXECUTE FUNCTION refuse_person()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse_person BEFORE INSERT ON organizations_person "
                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            )


def test_a_database_error_while_writing_is_a_message_and_nothing_is_saved(
    three_day_workshop, failing_person_insert
):
    [error] = refused(three_day_workshop, sample(FR), "a.csv")
    assert "nothing was imported" in error.message
    assert Organization.objects.filter(organized_workshops=None).count() == 0


def test_errors_shown_are_capped(three_day_workshop):
    rows = [["Nom", "Sexe", "J1"], *[[f"P{i}", "?", "?"] for i in range(2000)]]
    errors = refused(three_day_workshop, to_csv(rows), "a.csv")
    assert len(errors) <= 201
    assert "more" in errors[-1].message
