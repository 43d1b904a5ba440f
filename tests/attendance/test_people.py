"""Who is who when a sheet gives no phone or e-mail: people are recognised by name and
organisation within the workshop, never merged on a guess, and importing twice changes nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attendance.apply import import_attendance
from organizations.models import Person
from tests.attendance.conftest import counts
from tests.attendance.sheetmakers import to_csv
from tests.factories import ParticipationFactory, PersonFactory
from workshops.reports import workshop_figures

pytestmark = pytest.mark.django_db

FR = "marrakech-2021-03-attendance-fr.csv"


# People without phone or e-mail -------------------------------------------------------------

NO_CONTACT = "NOM;PRÉNOM;Sexe;J1\nDURAND;Sarah;F;x\n".encode()


def test_reimporting_a_sheet_without_phone_or_email_changes_nothing(three_day_workshop):
    import_attendance(three_day_workshop, NO_CONTACT, "a.csv")
    before = counts()
    result = import_attendance(three_day_workshop, NO_CONTACT, "a.csv")
    assert counts() == before == (1, 0, 1, 1)
    assert (result.people_created, result.people_matched, result.changes_anything) == (0, 1, False)
    [planned] = result.plan
    assert planned.matched_by == "name"


def test_reimporting_a_sheet_without_contacts_keeps_public_figures(example):
    assert workshop_figures(example)["participants"] == 50
    import_attendance(example, NO_CONTACT, "a.csv")
    import_attendance(example, NO_CONTACT, "a.csv")
    assert workshop_figures(example)["participants"] == 51


def test_a_match_on_name_only_is_a_warning_naming_the_row(three_day_workshop):
    import_attendance(three_day_workshop, NO_CONTACT, "a.csv")
    result = import_attendance(three_day_workshop, NO_CONTACT, "a.csv")
    matched = [w for w in result.warnings if "matched only by name" in w.message]
    assert [(w.row, w.column) for w in matched] == [(2, None)]


def test_a_sheet_without_contact_columns_says_so(three_day_workshop):
    result = import_attendance(three_day_workshop, NO_CONTACT, "a.csv")
    [warning] = [w for w in result.warnings if "no phone or e-mail column" in w.message]
    assert warning.row is None


def test_rows_without_phone_or_email_are_flagged(three_day_workshop):
    data = to_csv(
        [
            ["Nom", "Prénom", "Tél", "E-mail", "J1"],
            ["DURAND", "Sarah", "0612345601", "", "x"],
            ["MARTIN", "Paul", "", "", "x"],
        ],
        delimiter=";",
    )
    result = import_attendance(three_day_workshop, data, "a.csv")
    flagged = [w for w in result.warnings if "neither phone nor e-mail" in w.message]
    assert [(w.row, w.column) for w in flagged] == [(3, "Tél")]
    assert [planned.contactless for planned in result.plan] == [False, True]


def test_name_match_needs_the_same_organisation(three_day_workshop):
    first = "Nom;Prénom;Organisation;J1\nDURAND;Sarah;Association A;x\n".encode()
    other = "Nom;Prénom;Organisation;J1\nDURAND;Sarah;Association B;x\n".encode()
    import_attendance(three_day_workshop, first, "a.csv")
    result = import_attendance(three_day_workshop, other, "a.csv")
    assert result.people_created == 1
    assert Person.objects.count() == 2


def test_name_match_ignores_case_accents_and_word_order(three_day_workshop):
    import_attendance(
        three_day_workshop, "Nom complet;Organisation;J1\nÉlise Durand;Assoc. A;x\n".encode(), "a.csv"
    )
    result = import_attendance(
        three_day_workshop, "Nom;Prénom;Organisation;J1\nDURAND;elise;ASSOC A;x\n".encode(), "b.csv"
    )
    assert (result.people_created, result.people_matched) == (0, 1)


def test_name_match_is_limited_to_the_workshop(three_day_workshop, example):
    PersonFactory(first_name="Sarah", last_name="DURAND", phone="", email="")
    result = import_attendance(three_day_workshop, NO_CONTACT, "a.csv")
    assert result.people_created == 1


def test_a_later_sheet_with_phones_completes_people_matched_by_name(three_day_workshop):
    import_attendance(three_day_workshop, NO_CONTACT, "a.csv")
    data = "Nom;Prénom;Tél;J1\nDURAND;Sarah;0612345601;x\n".encode()
    result = import_attendance(three_day_workshop, data, "b.csv")
    assert (result.people_created, result.people_completed) == (0, 1)
    assert Person.objects.get().phone == "+212612345601"


def test_a_saved_person_with_another_phone_is_not_matched_by_name(three_day_workshop):
    saved = PersonFactory(first_name="Sarah", last_name="DURAND", phone="+212612345609", email="")
    ParticipationFactory(workshop=three_day_workshop, person=saved)
    data = "Nom;Prénom;Tél;J1\nDURAND;Sarah;0612345601;x\n".encode()
    result = import_attendance(three_day_workshop, data, "b.csv")
    assert result.people_created == 1


def test_two_homonyms_without_contacts_are_matched_one_to_one(three_day_workshop):
    data = "Nom;Prénom;J1\nDURAND;Sarah;x\nDURAND;Sarah;\n".encode()
    import_attendance(three_day_workshop, data, "a.csv")
    before = counts()
    result = import_attendance(three_day_workshop, data, "a.csv")
    assert counts() == before == (2, 0, 2, 1)
    assert (result.people_created, result.marks_added, result.marks_removed) == (0, 0, 0)


def test_matching_by_name_takes_the_same_queries_for_3_or_60_rows(three_day_workshop):
    queries = []
    for start, count in ((0, 3), (100, 60)):
        rows = [["Nom", "Prénom", "Organisation", "J1"]]
        rows += [[f"Nom{i}", f"Prénom{i}", f"Association {i % 4}", "x"] for i in range(start, start + count)]
        data = to_csv(rows, delimiter=";")
        import_attendance(three_day_workshop, data, "a.csv")
        with CaptureQueriesContext(connection) as captured:
            result = import_attendance(three_day_workshop, data, "a.csv")
        assert (result.people_matched_by_name, result.changes_anything) == (count, False)
        queries.append(len(captured))
    assert queries[0] == queries[1]
