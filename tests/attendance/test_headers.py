"""Header spellings partners use, and columns the import does not read (listed as warnings)."""

import pytest
from django.utils import translation

from attendance.apply import import_attendance
from attendance.headers import header_field
from organizations.models import Person
from tests.attendance.sheetmakers import to_csv

pytestmark = pytest.mark.django_db

FR = "marrakech-2021-03-attendance-fr.csv"


# Header spellings and unknown columns ---------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Sexe(H / F)", "gender"),
        ("Sexe (H/F)", "gender"),
        ("Genre (F/M)", "gender"),
        ("الجنس (ذ/أ)", "gender"),
        ("N° de téléphone", "phone"),
        ("Téléphone portable", "phone"),
    ],
)
def test_reported_header_spellings_are_recognised(header, field):
    assert header_field(header) == field


def test_unrecognised_columns_are_listed_as_warnings(three_day_workshop):
    data = to_csv(
        [
            ["Nom", "Prénom", "Sexe (H/F)", "N° groupe", "Référent", "Tél", "J1"],
            ["DURAND", "Sarah", "F", "1", "M. X", "0612345601", "x"],
        ],
        delimiter=";",
    )
    result = import_attendance(three_day_workshop, data, "a.csv")
    unknown = [w for w in result.warnings if "not understood by the import" in w.message]
    assert [(w.row, w.column) for w in unknown] == [(1, "N° groupe"), (1, "Référent")]
    assert Person.objects.count() == 1


def test_unknown_column_warning_is_translated(three_day_workshop):
    data = "Nom;Prénom;Tél;Référent;J1\nDURAND;Sarah;0612345601;X;x\n".encode()
    with translation.override("fr"):
        result = import_attendance(three_day_workshop, data, "a.csv", dry_run=True)
        texts = [str(w) for w in result.warnings]
    assert any(text.startswith("Ligne 1") and "Référent" in text for text in texts)
