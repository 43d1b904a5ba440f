"""Organisations on import (``attendance.organisations``): found by folded name, then alias; a new
name asks "same organisation, other spelling?" when the row's people belong to a saved one or
a saved organisation of the region is spelt alike; confirming records the alias, so the same
names ask nothing the next time. The same 50 people sent by a French-speaking partner with
French organisation names create no duplicate organisation."""

import csv
import datetime
import io

import pytest

from attendance.apply import import_attendance
from attendance.choices import Choices
from organizations.models import Organization, OrganizationAlias
from tests.attendance.conftest import counts, sample, upload
from tests.attendance.sheetmakers import to_csv
from tests.conftest import _grant
from tests.factories import (
    OrganizationFactory,
    ParticipationFactory,
    PersonFactory,
    SessionFactory,
    WorkshopFactory,
)
from tests.factories import region as region_named
from workshops.models import Participation

pytestmark = pytest.mark.django_db

# The organisations of the Arabic sample as a French-speaking partner writes them (written for
# this test: not the French sample's spellings).
FRENCH = {
    "جمعية نساء صفرو للمبادرة": "Association Femmes de Sefrou pour l'Initiative",
    "جماعة الفقيه بن صالح": "Commune Fkih Ben Saleh",
    "شبكة شباب الحسيمة للمشاركة": "Réseau Jeunesse d'Al Hoceima - Participation",
    "شبكة شباب صفرو للمشاركة": "Réseau Jeunesse de Sefrou - Participation",
    "جمعية بني ملال للتنمية والمواطنة": "Association de Béni-Mellal pour le Développement et la Citoyenneté",
    "جمعية شفشاون للتنمية والمواطنة": "Association de Chefchaouen pour le Développement et la Citoyenneté",
    "جمعية أزيلال للتنمية والمواطنة": "Association d'Azilal pour le Développement et la Citoyenneté",
    "جماعة تطوان": "Commune urbaine de Tétouan",
    "مركز مكناس للدراسات والأبحاث": "Centre d'Etudes et de Recherches de Meknès",
    "جمعية خنيفرة للتنمية والمواطنة": "Association de Khénifra pour le Développement et la Citoyenneté",
    "جمعية تطوان للتنمية والمواطنة": "Association de Tétouan pour le Développement et la Citoyenneté",
    "جمعية مكناس للتنمية والمواطنة": "Association de Meknès pour le Développement et la Citoyenneté",
    "شبكة شباب مكناس للمشاركة": "Réseau Jeunesse de Meknès - Participation",
    "جمعية الفقيه بن صالح للتنمية والمواطنة": (
        "Association de Fkih Ben Saleh pour le Développement et la Citoyenneté"
    ),
    "شبكة شباب خريبكة للمشاركة": "Réseau Jeunesse de Khouribga - Participation",
    "جمعية نساء تطوان للمبادرة": "Association Femmes de Tétouan pour l'Initiative",
    "جمعية إفران للتنمية والمواطنة": "Association d'Ifrane pour le Développement et la Citoyenneté",
    "جماعة بني ملال": "Commune urbaine de Béni-Mellal",
    "شبكة شباب طنجة للمشاركة": "Réseau Jeunesse de Tanger - Participation",
    "جماعة شفشاون": "Commune urbaine de Chefchaouen",
    "جمعية صفرو للتنمية والمواطنة": "Association de Sefrou pour le Développement et la Citoyenneté",
    "جمعية الحسيمة للتنمية والمواطنة": "Association d'Al Hoceima pour le Développement et la Citoyenneté",
    "مركز تازة للدراسات والأبحاث": "Centre d'Etudes et de Recherches de Taza",
    "جماعة الحسيمة": "Commune urbaine d'Al Hoceima",
    "جمعية طنجة للتنمية والمواطنة": "Association de Tanger pour le Développement et la Citoyenneté",
    "جمعية نساء خنيفرة للمبادرة": "Association Femmes de Khénifra pour l'Initiative",
    "جماعة مكناس": "Commune urbaine de Meknès",
    "جماعة خنيفرة": "Commune urbaine de Khénifra",
    "مركز طنجة للدراسات والأبحاث": "Centre d'Etudes et de Recherches de Tanger",
    "جمعية تازة للتنمية والمواطنة": "Association de Taza pour le Développement et la Citoyenneté",
    "شبكة شباب العرائش للمشاركة": "Réseau Jeunesse de Larache - Participation",
    "جمعية فاس للتنمية والمواطنة": "Association de Fès pour le Développement et la Citoyenneté",
    "جمعية خريبكة للتنمية والمواطنة": "Association de Khouribga pour le Développement et la Citoyenneté",
}
REGIONS = {
    "فاس - مكناس": "Fès-Meknès",
    "بني ملال - خنيفرة": "Béni Mellal-Khénifra",
    "طنجة - تطوان - الحسيمة": "Tanger-Tétouan-Al Hoceïma",
}


def workshop():
    """A workshop of 5-7 March 2021 with one session a day."""
    held = WorkshopFactory(start_date=datetime.date(2021, 3, 5), end_date=datetime.date(2021, 3, 7))
    for day in (5, 6, 7):
        SessionFactory(workshop=held, date=datetime.date(2021, 3, day))
    return held


def french_sheet():
    """The Arabic sample's 50 people (same phones and e-mails) as a French-speaking partner
    sends them: French headers, F/H, French region and organisation names; CSV bytes."""
    arabic = list(csv.reader(io.StringIO(sample("marrakech-2021-03-attendance-ar.csv").decode("utf-8-sig"))))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        ["N°", "Nom", "Prénom", "Sexe", "Organisation", "Fonction", "Ville", "Région", "Tél", "E-mail"]
    )
    for n, last, first, gender, org, position, city, region, phone, email, *days in arabic[1:]:
        sex = {"أنثى": "F", "ذكر": "H"}[gender]
        writer.writerow(
            [n, last, first, sex, FRENCH[org], position, city, REGIONS[region], phone, email, *days]
        )
    text = out.getvalue().replace("E-mail\r\n", "E-mail;J1;J2;J3\r\n", 1)
    return text.encode("utf-8")


def confirmed(preview):
    """The answers ``preview`` (an ImportResult) showed, confirmed as the page sends them back
    (an alias is recorded only for a question answered, not for a proposal taken unseen)."""
    return Choices({question.field_name: question.answer for question in preview.questions})


def test_the_same_people_in_french_create_no_duplicate_organisation():
    import_attendance(workshop(), sample("marrakech-2021-03-attendance-ar.csv"), "ar.csv")
    arabic = {o.name: o for o in Organization.objects.all()}
    french, second = french_sheet(), workshop()
    before = (counts()[1], Organization.objects.count())
    assert before[0] == 33

    preview = import_attendance(second, french, "fr.csv", dry_run=True)

    asked = {q.value: q for q in preview.questions if q.kind == "organisation"}
    assert set(asked) == set(FRENCH.values())
    for arabic_name, french_name in FRENCH.items():
        question = asked[french_name]
        assert question.options[0] == (
            f"org-{arabic[arabic_name].pk}",
            f"Same as: {arabic_name} (other spelling)",
        )
        assert question.options[1] == ("new", f"New organisation “{french_name}”")
    assert preview.organizations_created == 0

    result = import_attendance(second, french, "fr.csv", choices=confirmed(preview))

    assert result.organizations_created == 0
    assert (counts()[1], Organization.objects.count()) == before
    aliases = {a.name: (a.organization.name, a.source, a.language) for a in OrganizationAlias.objects.all()}
    assert aliases == {fr: (ar, "import", "fr") for ar, fr in FRENCH.items()}
    linked = Participation.objects.filter(workshop=second).values_list("person__phone", "organization__name")
    assert len(linked) == 50 and {name for _phone, name in linked} <= set(FRENCH)

    third = import_attendance(workshop(), french, "fr.csv")

    assert third.questions == [] and third.organizations_created == 0
    assert counts()[1] == 33 and Organization.objects.count() == before[1] + 1  # the third's organiser
    assert OrganizationAlias.objects.count() == 33


def test_answering_new_creates_the_organisation_and_records_no_alias():
    import_attendance(workshop(), sample("marrakech-2021-03-attendance-ar.csv"), "ar.csv")
    french, second = french_sheet(), workshop()
    preview = import_attendance(second, french, "fr.csv", dry_run=True)
    question = next(q for q in preview.questions if q.value == "Commune urbaine de Tétouan")

    answers = confirmed(preview)
    answers.answers[question.field_name] = "new"
    result = import_attendance(second, french, "fr.csv", choices=answers)

    assert result.organizations_created == 1
    assert Organization.objects.filter(name="Commune urbaine de Tétouan").exists()
    assert OrganizationAlias.objects.count() == 32
    assert [q.answer for q in result.questions if q.value == "Commune urbaine de Tétouan"] == ["new"]


HEADER = ["Nom", "Prénom", "Sexe", "Organisation", "Région", "Tél", "J1"]


def sheet(*rows):
    return to_csv([HEADER, *rows], delimiter=";")


def test_a_name_spelt_alike_in_the_same_region_is_proposed_and_elsewhere_is_new(three_day_workshop):
    amal = OrganizationFactory(name="Association Al Amal pour le développement", region=region_named("08"))
    rows = [
        [
            "Alaoui",
            "Sara",
            "F",
            "Association Amal pour le developpement",
            "Drâa-Tafilalet",
            "0612345601",
            "x",
        ],
        [
            "Idrissi",
            "Hind",
            "F",
            "Association Amal pour le developpement",
            "Drâa-Tafilalet",
            "0612345602",
            "x",
        ],
        ["Tazi", "Ali", "H", "Association Amal pour la developpement", "Oriental", "0612345603", "x"],
    ]
    result = import_attendance(three_day_workshop, sheet(*rows), "a.csv", dry_run=True)

    [question] = result.questions
    assert question.value == "Association Amal pour le developpement"
    assert question.rows == [2, 3]
    assert question.options[0] == (f"org-{amal.pk}", f"Same as: {amal.name} (other spelling)")
    assert result.organizations_created == 1  # the Oriental one, far from any saved name


def test_organisations_near_but_below_the_threshold_are_offered_after_new(three_day_workshop):
    atlas = OrganizationFactory(name="Association Atlas", region=region_named("08"))
    rows = [["Alaoui", "Sara", "F", "Association Atlas Azilal", "Drâa-Tafilalet", "0612345601", "x"]]
    [question] = import_attendance(three_day_workshop, sheet(*rows), "a.csv", dry_run=True).questions
    assert question.options == [
        ("new", "New organisation “Association Atlas Azilal”"),
        (f"org-{atlas.pk}", "Same as: Association Atlas"),
    ]


def test_an_alias_is_found_without_a_question(three_day_workshop):
    espace = OrganizationFactory(name="Espace Associatif")
    OrganizationAlias.objects.create(organization=espace, name="الفضاء الجمعوي")
    rows = [["Alaoui", "Sara", "F", "الفضاء  الجمعوى", "", "0612345601", "x"]]
    result = import_attendance(three_day_workshop, sheet(*rows), "a.csv")
    assert result.questions == [] and result.organizations_created == 0
    assert Participation.objects.get().organization == espace


def test_a_person_without_organisation_proposes_that_of_their_latest_participation(three_day_workshop):
    older, latest = OrganizationFactory(name="Jossour FFM"), OrganizationFactory(name="Espace Associatif")
    person = PersonFactory(phone="+212612345601", organization=None)
    ParticipationFactory(person=person, organization=older, workshop=WorkshopFactory(start_date="2020-01-10"))
    ParticipationFactory(
        person=person, organization=latest, workshop=WorkshopFactory(start_date="2024-05-02")
    )
    rows = [["Alaoui", "Sara", "F", "الفضاء الجمعوي", "", "0612345601", "x"]]
    [question] = import_attendance(three_day_workshop, sheet(*rows), "a.csv", dry_run=True).questions
    assert question.options[0] == (f"org-{latest.pk}", "Same as: Espace Associatif (other spelling)")


def test_the_page_asks_and_confirming_same_as_records_the_alias(client, importer, three_day_workshop):
    espace = OrganizationFactory(name="Espace Associatif")
    PersonFactory(phone="+212612345601", organization=espace)
    # Proposing a person's organisation needs their contacts; recording an alias, its permission.
    _grant(importer, "organizations.view_personal_data", "organizations.add_organizationalias")
    client.force_login(importer)
    rows = [["Alaoui", "Sara", "F", "الفضاء الجمعوي", "", "0612345601", "x"]]
    preview = upload(client, three_day_workshop, sheet(*rows), "a.csv")
    content = preview.content.decode()
    assert "“الفضاء الجمعوي” is not the name of a saved organisation. Which organisation is it?" in content
    assert "Same as: Espace Associatif (other spelling)" in content
    [question] = preview.context["questions"]

    response = client.post(
        preview.wsgi_request.path,
        {"token": preview.context["token"], "confirm": "1", question.field_name: f"org-{espace.pk}"},
    )

    assert response.status_code == 302
    assert espace.aliases.get().name == "الفضاء الجمعوي"
    assert Participation.objects.get().organization == espace
    assert Organization.objects.count() == 2  # and the workshop's organiser


def test_a_sheet_without_contacts_naming_an_alias_imported_twice_changes_nothing(three_day_workshop):
    espace = OrganizationFactory(name="Espace Associatif", region=region_named("06"))
    data = sheet(["Alaoui", "Sara", "F", "Espace Associatif", "", "", "x"])
    import_attendance(three_day_workshop, data, "a.csv")
    other_spelling = sheet(["Alaoui", "Sara", "F", "Espace Associatif (EA)", "Casablanca-Settat", "", "x"])
    preview = import_attendance(three_day_workshop, other_spelling, "a.csv", dry_run=True)
    assert preview.questions[0].options[0][0] == f"org-{espace.pk}"
    before = counts()

    result = import_attendance(three_day_workshop, other_spelling, "a.csv", choices=confirmed(preview))
    again = import_attendance(three_day_workshop, other_spelling, "a.csv")

    assert counts() == before
    assert (result.people_matched_by_name, again.people_matched_by_name, again.questions) == (1, 1, [])
    assert espace.aliases.get().name == "Espace Associatif (EA)"


def test_a_sheet_whose_only_change_is_other_spellings_can_be_confirmed(client, importer):
    """The same people sent again to their own workshop, organisations in French: confirming
    records the spellings (nothing else changes), so the preview offers "Confirm import" and
    says so; once confirmed, the same sheet asks nothing and changes nothing."""
    held = workshop()
    import_attendance(held, sample("marrakech-2021-03-attendance-ar.csv"), "ar.csv")
    french, before = french_sheet(), counts()
    _grant(importer, "organizations.view_personal_data", "organizations.add_organizationalias")
    client.force_login(importer)

    preview = upload(client, held, french, "fr.csv")

    result = preview.context["result"]
    assert result.changes_anything and len(result.questions) == 33
    assert ("Other names recorded for organisations", 33) in result.summary()
    assert 'name="confirm"' in preview.content.decode()
    answers = {q.field_name: q.answer for q in preview.context["questions"]}
    response = client.post(
        preview.wsgi_request.path, {"token": preview.context["token"], "confirm": "1", **answers}
    )
    assert response.status_code == 302
    assert OrganizationAlias.objects.count() == 33 and counts() == before
    again = import_attendance(held, french, "fr.csv", dry_run=True)
    assert again.questions == [] and not again.changes_anything
