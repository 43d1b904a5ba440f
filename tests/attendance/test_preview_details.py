"""The preview shows what was read: per row the gender, region and organisation, totals by gender
and region before confirming, and the saved name a known person keeps; names only to staff who
may see people, a saved name found through a contact only to staff who may see contacts."""

import pytest
from django.urls import reverse

from attendance.apply import import_attendance
from attendance.rights import ImporterRights
from organizations.models import Person
from regions.models import Region
from tests.attendance.conftest import upload
from tests.attendance.sheetmakers import to_csv
from tests.conftest import _grant
from tests.factories import OrganizationFactory, ParticipationFactory, PersonFactory

pytestmark = pytest.mark.django_db

HEADER = ["Nom complet", "Sexe", "Région", "Organisation", "Tél", "J1", "J2", "J3"]
ROWS = [
    ["Amina Berrada", "F", "Oriental", "Forum Oriental", "0612345701", "x", "x", "x"],
    ["Youssef El Idrissi", "H", "Souss-Massa", "Jeunes pour le Souss", "0612345702", "x", "", ""],
    ["Khadija Ouazzani", "F", "Oriental", "Forum Oriental", "0612345703", "", "", ""],
    ["Mehdi Tazi", "H", "", "Réseau local", "0612345704", "", "x", ""],
    ["Salma Chraibi", "", "Souss-Massa", "", "0612345705", "x", "", ""],
]


def sheet(rows=ROWS):
    return to_csv([HEADER, *rows])


def region_named(text):
    return Region.objects.matcher()(text)


@pytest.fixture
def user_with(django_user_model):
    """A staff account that may import, with the further permissions given."""

    def make(*perms):
        user = django_user_model.objects.create_user("someone", password="x", is_staff=True)
        _grant(user, "workshops.import_attendance", "workshops.view_workshop", *perms)
        return django_user_model.objects.get(pk=user.pk)

    return make


def test_each_planned_row_carries_what_the_sheet_says(three_day_workshop):
    OrganizationFactory(name="Forum Oriental")
    result = import_attendance(three_day_workshop, sheet(), "a.csv", dry_run=True)
    first, _second, _third, fourth, fifth = result.plan
    assert (first.gender, first.region, first.organization.name) == (
        "female",
        region_named("Oriental"),
        "Forum Oriental",
    )
    assert first.organization.pk is not None  # already saved
    assert (fourth.gender, fourth.region, fourth.organization.pk) == ("male", None, None)
    assert (fifth.get_gender_display(), fifth.organization) == ("not stated", None)


def test_totals_by_gender_and_region_count_the_sheet_and_those_counted(three_day_workshop):
    result = import_attendance(three_day_workshop, sheet(), "a.csv", dry_run=True)
    (gender_key, _caption, genders), (region_key, _caption2, regions) = result.totals()
    assert (gender_key, region_key) == ("gender", "region")
    # Khadija ticked no day: a no-show, in the sheet but not counted.
    assert genders == [("woman", 2, 1), ("man", 2, 2), ("not stated", 1, 1), ("Total", 5, 4)]
    oriental, souss = str(region_named("Oriental")), str(region_named("Souss-Massa"))
    assert regions == sorted([(oriental, 2, 1), (souss, 2, 2)]) + [("not stated", 1, 1), ("Total", 5, 4)]


def test_totals_follow_counts_toward_totals(three_day_workshop):
    person = PersonFactory(phone="+212612345701", gender=Person.Gender.FEMALE)
    ParticipationFactory(workshop=three_day_workshop, person=person, counts_toward_totals=False)
    result = import_attendance(three_day_workshop, sheet(), "a.csv", dry_run=True)
    genders = result.totals()[0][2]
    assert genders[0] == ("woman", 2, 0)  # Amina is organising staff: present, not counted


def test_preview_page_shows_details_and_totals(client, importer, three_day_workshop):
    OrganizationFactory(name="Forum Oriental")
    client.force_login(importer)
    content = upload(client, three_day_workshop, sheet(), "a.csv").content.decode()
    assert '<th scope="col">Gender</th>' in content
    assert '<th scope="col">Organisation</th>' in content
    assert '<td dir="auto">Amina Berrada</td>\n              <td>woman</td>' in content
    assert f'<span dir="auto">{region_named("Oriental")}</span>' in content
    assert '<span dir="auto">Réseau local</span> <span class="help">(new)</span>' in content
    assert '<span dir="auto">Forum Oriental</span></td>' in content  # saved: not "new"
    assert "Participants by gender and region, as the sheet gives them" in content
    assert '<tr><th scope="row" dir="auto">woman</th><td>2</td><td>1</td></tr>' in content
    assert '<tr><th scope="row" dir="auto">Total</th><td>5</td><td>4</td></tr>' in content
    assert 'aria-labelledby="import-totals-region"' in content


def test_staff_who_may_not_see_people_get_rows_without_names(client, user_with, three_day_workshop):
    client.force_login(user_with())
    content = upload(client, three_day_workshop, sheet(), "a.csv").content.decode()
    assert "Names are not shown" in content
    assert "Amina Berrada" not in content and "Berrada" not in content
    assert '<th scope="col">Name</th>' not in content
    assert "<td>woman</td>" in content
    assert '<tr><th scope="row" dir="auto">Total</th><td>5</td><td>4</td></tr>' in content


def test_a_name_match_names_no_saved_person_to_staff_who_may_not_see_people(user_with, three_day_workshop):
    person = PersonFactory(first_name="Sara", last_name="Alaoui", phone="", email="")
    ParticipationFactory(workshop=three_day_workshop, person=person)
    data = to_csv([["Nom", "Prénom", "Organisation"], ["ALAOUI", "Sara", ""]])
    hidden = import_attendance(
        three_day_workshop, data, "a.csv", dry_run=True, rights=ImporterRights(names_visible=False)
    )
    assert [w for w in hidden.warnings if "matched only by name" in w.message]
    assert not [w for w in hidden.warnings if "Sara Alaoui" in w.message]
    shown = import_attendance(three_day_workshop, data, "a.csv", dry_run=True)
    assert [w for w in shown.warnings if "Sara Alaoui" in w.message]


SAVED_NAME = "the sheet says “ALAOUI Sarah”; the saved name “Sara Alaoui” is kept"


@pytest.fixture
def known_sara(three_day_workshop):
    person = PersonFactory(first_name="Sara", last_name="Alaoui", phone="+212612345701")
    ParticipationFactory(workshop=three_day_workshop, person=person)
    return person


def changed_name_sheet():
    return to_csv([["Nom complet", "Tél", "J1"], ["ALAOUI Sarah", "0612345701", "x"]])


def test_a_changed_name_of_a_known_person_is_shown_and_the_saved_one_kept(
    client, user_with, three_day_workshop, known_sara
):
    result = import_attendance(three_day_workshop, changed_name_sheet(), "a.csv", dry_run=True)
    assert result.plan[0].saved_name == "Sara Alaoui"
    client.force_login(user_with("organizations.view_person", "organizations.view_personal_data"))
    response = upload(client, three_day_workshop, changed_name_sheet(), "a.csv")
    assert SAVED_NAME in response.content.decode()
    url = reverse("admin:workshops_workshop_import_attendance", args=[three_day_workshop.pk])
    client.post(url, {"token": response.context["token"], "confirm": "1"})
    known_sara.refresh_from_db()
    assert known_sara.full_name == "Sara Alaoui"


@pytest.mark.parametrize(
    "perms",
    [("organizations.view_person",), ("organizations.view_personal_data",)],
    ids=["sees-people-not-contacts", "sees-contacts-not-people"],
)
def test_a_saved_name_found_by_phone_is_not_shown_without_both_rights(
    client, user_with, three_day_workshop, known_sara, perms
):
    client.force_login(user_with(*perms))
    content = upload(client, three_day_workshop, changed_name_sheet(), "a.csv").content.decode()
    assert "Sara Alaoui" not in content
    assert "already saved (same phone)" in content
    assert ("ALAOUI Sarah" in content) == ("organizations.view_person" in perms)


def test_a_saved_name_found_by_name_is_shown_to_staff_who_see_people(client, importer, three_day_workshop):
    person = PersonFactory(first_name="Sara", last_name="Alaoui", phone="", email="")
    ParticipationFactory(workshop=three_day_workshop, person=person)
    client.force_login(importer)  # may see people, not their contacts
    data = to_csv([["Nom complet", "Organisation", "J1"], ["ALAOUI Sara", "", "x"]])
    content = upload(client, three_day_workshop, data, "a.csv").content.decode()
    assert "the sheet says “ALAOUI Sara”; the saved name “Sara Alaoui” is kept" in content
