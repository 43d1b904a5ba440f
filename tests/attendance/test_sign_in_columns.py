"""The sign-in sheet's columns are the attendance template's: sex, region, phone, e-mail and
organisation, pre-filled where known (contacts only for those allowed to see them), and a
typed-up copy imports without a question about its headers."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from attendance.apply import import_attendance
from attendance.exports import render_attendance
from attendance.signin import sign_in_header
from organizations.models import Person
from tests.factories import OrganizationFactory, ParticipationFactory, PersonFactory, region
from workshops.models import Attendance, Participation

pytestmark = pytest.mark.django_db


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def known_person(three_day_workshop):
    person = PersonFactory(
        first_name="Khadija",
        last_name="Bennani",
        gender=Person.Gender.FEMALE,
        phone="+212661234567",
        email="k.bennani@example.org",
        region=region("03"),
    )
    organization = OrganizationFactory(name="Association Tafilalet Solidaire")
    ParticipationFactory(workshop=three_day_workshop, person=person, organization=organization)
    return person


def test_sign_in_sheet_heads_the_template_columns_in_order(three_day_workshop):
    with translation.override("fr"):
        header = sign_in_header(three_day_workshop)
    assert header == [
        "N°",
        "Nom",
        "Prénom",
        "Sexe",
        "Téléphone",
        "E-mail",
        "Organisation",
        "Région",
        "Jour 1 (05/03/2021)",
        "Jour 2 (06/03/2021)",
        "Jour 3 (07/03/2021)",
    ]


def test_sign_in_sheet_prefills_sex_region_organisation_and_contacts(known_person, three_day_workshop):
    with translation.override("fr"):
        text = pdf_text(render_attendance(three_day_workshop, "pdf", contacts=True))
    for value in ("Bennani", "Khadija", "femme", "Fès-Meknès", "Tafilalet", "+212661234567", "k.bennani@"):
        assert value in text


def test_sign_in_sheet_leaves_contacts_blank_without_the_right(known_person, three_day_workshop):
    text = pdf_text(render_attendance(three_day_workshop, "pdf", contacts=False))
    assert "Bennani" in text and "Fès-Meknès" in text
    assert "+212661234567" not in text and "k.bennani@" not in text
    assert "Phone" in text and "E-mail" in text  # the columns stay, empty


def test_downloaded_sheet_shows_contacts_only_with_view_personal_data(client, export_user, known_person):
    workshop = known_person.participations.get().workshop
    client.force_login(export_user)
    url = reverse("admin:workshops_workshop_export_attendance", args=[workshop.pk, "pdf"])
    assert "+212661234567" in pdf_text(client.get(url).content)


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_a_sheet_typed_up_from_the_sign_in_sheet_imports_without_questions(three_day_workshop, language):
    """The headers of the sign-in sheet, typed in a spreadsheet in their order, with what
    people wrote in the language of the sheet."""
    with translation.override(language):
        header = sign_in_header(three_day_workshop)
        female, male = str(Person.Gender.FEMALE.label), str(Person.Gender.MALE.label)
        fes, oriental = region("03").name, region("02").name
    rows = [
        ["1", "الإدريسي", "سلمى", female, "0661000101", "", "جمعية الأمل", fes, "✓", "✓", ""],
        [
            "2",
            "Aït Ouahmane",
            "Brahim",
            male,
            "",
            "brahim.ait@example.ma",
            "Espace Associatif",
            oriental,
            "",
            "✓",
            "✓",
        ],
        ["3", "O'Neil-Benjelloun", "Zineb", female, "+212 662-000102", "", "", "", "✓", "", ""],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    result = import_attendance(three_day_workshop, buffer.getvalue().encode("utf-8"), "typed-up.csv")
    assert result.questions == []
    assert (result.rows, result.people_created, result.marks_added) == (3, 3, 5)
    salma = Participation.objects.get(workshop=three_day_workshop, person__first_name="سلمى")
    assert (salma.person.gender, salma.person.region.code, salma.person.phone) == (
        "female",
        "03",
        "+212661000101",
    )
    days = Attendance.objects.filter(participation=salma).values_list("session__date", flat=True)
    assert sorted(days) == [datetime.date(2021, 3, 5), datetime.date(2021, 3, 6)]
    brahim = Person.objects.get(first_name="Brahim")
    assert (brahim.email, brahim.region.code, brahim.gender) == ("brahim.ait@example.ma", "02", "male")
