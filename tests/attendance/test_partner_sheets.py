"""Sheets as partners really send them, made here with our own (fictional) people, each imported
with the answers a staff member gives in the preview and checked against what the sheet meant:
names, gender, region, organisation, counted participants, marks.

1. a French-header CSV saved by Arabic Windows (Windows-1256, ``;``), Latin and Arabic names;
2. Excel's "Unicode text" (UTF-16LE, tab) walk-ins list with region spellings seen in the field;
3. people already known, sent again by a French-speaking partner with French organisation names;
4. an organisation cell holding an ``=HYPERLINK`` formula (as Excel saves it, and as text);
5. a French sign-in sheet ("Feuille d'émargement") without day columns.
"""

import datetime
import io
import re
import zipfile

import pytest
from django.utils import translation

from attendance.apply import import_attendance
from attendance.choices import Choices
from organizations.models import Organization, OrganizationAlias
from regions.models import PlaceAlias
from tests.attendance.conftest import counts, refused
from tests.attendance.sheetmakers import to_csv, to_xlsx
from tests.factories import OrganizationFactory, PersonFactory, SessionFactory, WorkshopFactory
from workshops.models import Participation

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop():
    """A workshop of two sessions, 10 and 11 March 2026."""
    held = WorkshopFactory(start_date=datetime.date(2026, 3, 10), end_date=datetime.date(2026, 3, 11))
    for day in (10, 11):
        SessionFactory(workshop=held, date=datetime.date(2026, 3, day))
    return held


def answered(workshop, data, name, answers=None):
    """Preview ``data``, answer its questions as a staff member would (``answers``: ``{(kind,
    value): answer}``, the others as proposed, all sent back as the page does) and import it.
    Returns ``(preview, result)``."""
    preview = import_attendance(workshop, data, name, dry_run=True)
    picked = {
        question.field_name: answer
        for question in preview.questions
        for (kind, value), answer in (answers or {}).items()
        if (question.kind, question.value) == (kind, value)
    }
    assert len(picked) == len(answers or {}), "a question the staff member meant to answer was not asked"
    # The page sends back every question's answer, proposed or picked.
    shown = {question.field_name: question.answer for question in preview.questions}
    return preview, import_attendance(workshop, data, name, choices=Choices({**shown, **picked}))


def saved(workshop):
    """What the workshop holds, by full name: ``(gender, region code, organisation, counted,
    number of marks)``."""
    return {
        " ".join(filter(None, (p.person.first_name, p.person.last_name))): (
            p.person.gender,
            p.person.region.code if p.person.region else "",
            p.organization.name if p.organization else "",
            p.counts_toward_totals and p.status == Participation.Status.ATTENDED,
            p.attendances.count(),
        )
        for p in Participation.objects.filter(workshop=workshop).select_related(
            "person__region", "organization"
        )
    }


def test_windows_1256_csv_with_latin_and_arabic_names(workshop):
    rows = [
        ["Nom", "Prénom", "Sexe", "Organisation", "Région", "Tél", "J1", "J2"],
        ["EL AMRANI", "Karima", "F", "Association Oujda Avenir", "Oriental", "0661100201", "x", "x"],
        ["بوزيد", "رشيد", "H", "جمعية الأمل للتنمية", "فاس مكناس", "0661100202", "x", ""],
        ["TAZI", "Youssef", "H", "Association Oujda Avenir", "L'Oriental", "0661100203", "", "x"],
        ["العلوي", "فاطمة الزهراء", "F", "جمعية الأمل للتنمية", "جهة الشرق", "0661100204", "x", "x"],
        ["BENJELLOUN", "Salma", "F", "Réseau Berkane Jeunesse", "Oriental", "0661100205", "x", "x"],
    ]
    data = to_csv(rows, encoding="cp1256", delimiter=";")

    preview, result = answered(workshop, data, "emargement.csv")  # the proposed encoding is right

    [question] = preview.questions
    assert (question.kind, question.answer) == ("encoding", "cp1256")
    assert "بوزيد رشيد" in dict(question.options)["cp1256"]
    assert not preview.warnings
    assert saved(workshop) == {
        "Karima EL AMRANI": ("female", "02", "Association Oujda Avenir", True, 2),
        "رشيد بوزيد": ("male", "03", "جمعية الأمل للتنمية", True, 1),
        "Youssef TAZI": ("male", "02", "Association Oujda Avenir", True, 1),
        "فاطمة الزهراء العلوي": ("female", "02", "جمعية الأمل للتنمية", True, 2),
        "Salma BENJELLOUN": ("female", "02", "Réseau Berkane Jeunesse", True, 2),
    }
    assert result.organizations_created == 3 and counts() == (5, 3, 5, 8)


def test_unicode_text_walk_ins_with_field_spellings_of_regions(workshop):
    rows = [
        ["Nom complet", "Sexe", "Organisation", "Région", "GSM", "J1", "J2"],
        [
            "Amine Chraibi",
            "H",
            "Association Tétouan Solidarité",
            "Tanger-Tetouan-Elhoucima",
            "0662200301",
            "1",
            "1",
        ],
        ["Ikram Ouali", "F", "Association Ouarzazate Femmes", "Daraa Tafilalt", "0662200302", "1", ""],
        ["Hamid Zaidi", "H", "Coopérative Azilal", "Beni Mellal Khenifra", "0662200303", "", "1"],
        ["Nadia Berrada", "F", "Association Oujda Avenir", "Oriantal", "0662200304", "1", "1"],
    ]
    data = to_csv(rows, encoding="utf-16-le", delimiter="\t", bom="\ufeff".encode("utf-16-le"))
    with translation.override("ar"):
        asked = import_attendance(workshop, data, "walk-ins.txt", dry_run=True).questions
    assert asked[0].text == "ما هي الجهة «Tanger-Tetouan-Elhoucima»؟ يبدو أنها طنجة-تطوان-الحسيمة."

    # The staff member confirms each proposed region, as the preview's form posts them.
    answers = {("place", q.value): q.answer for q in asked}
    preview, result = answered(workshop, data, "walk-ins.txt", answers)

    assert [(q.kind, q.value) for q in preview.questions] == [
        ("place", "Tanger-Tetouan-Elhoucima"),
        ("place", "Daraa Tafilalt"),
        ("place", "Oriantal"),
    ]
    assert saved(workshop) == {
        "Amine Chraibi": ("male", "01", "Association Tétouan Solidarité", True, 2),
        "Ikram Ouali": ("female", "08", "Association Ouarzazate Femmes", True, 1),
        "Hamid Zaidi": ("male", "05", "Coopérative Azilal", True, 1),
        "Nadia Berrada": ("female", "02", "Association Oujda Avenir", True, 2),
    }
    assert result.organizations_created == 4 and counts() == (4, 4, 4, 6)
    assert set(PlaceAlias.objects.values_list("alias", flat=True)) >= {"Daraa Tafilalt", "Oriantal"}
    assert import_attendance(workshop, data, "walk-ins.txt", dry_run=True).questions == []


# People already saved under their Arabic organisation names; the French partner's spellings.
KNOWN = [
    ("بناني", "نزهة", "female", "جمعية نساء صفرو للمبادرة", "0661300401"),
    ("المرابط", "المهدي", "male", "جماعة الفقيه بن صالح", "0661300402"),
    ("بلحاج", "سكينة", "female", "جمعية نساء صفرو للمبادرة", "0661300403"),
    ("الشرقاوي", "جمال", "male", "جمعية أزيلال للتنمية والمواطنة", "0661300404"),
]
FRENCH_NAMES = {
    "جمعية نساء صفرو للمبادرة": "Association Femmes de Sefrou pour l'Initiative",
    "جماعة الفقيه بن صالح": "Commune Fquih Ben Saleh",
    "جمعية أزيلال للتنمية والمواطنة": "Association Azilal Développement et Citoyenneté",
}


def test_known_people_with_french_organisation_names_create_no_organisation(workshop):
    organisations = {name: OrganizationFactory(name=name) for name in FRENCH_NAMES}
    for last, first, gender, organisation, phone in KNOWN:
        PersonFactory(
            last_name=last,
            first_name=first,
            gender=gender,
            phone=f"+212{phone[1:]}",
            organization=organisations[organisation],
        )
    rows = [["Nom", "Prénom", "Sexe", "Organisation", "Téléphone", "J1", "J2"]]
    rows += [
        ["X", "Y", "F" if g == "female" else "H", FRENCH_NAMES[o], phone, "x", "x"]
        for _l, _f, g, o, phone in KNOWN
    ]
    before = Organization.objects.count()

    preview, result = answered(workshop, to_csv(rows, delimiter=";"), "partenaire.csv")

    assert [q.kind for q in preview.questions] == ["organisation"] * 3
    assert {q.answer for q in preview.questions} == {f"org-{o.pk}" for o in organisations.values()}
    assert (result.organizations_created, result.aliases_recorded, result.people_created) == (0, 3, 0)
    assert Organization.objects.count() == before and OrganizationAlias.objects.count() == 3
    assert {name: row[2] for name, row in saved(workshop).items()} == {
        f"{first} {last}": organisation for last, first, _g, organisation, _p in KNOWN
    }
    again = import_attendance(workshop, to_csv(rows, delimiter=";"), "partenaire.csv", dry_run=True)
    assert again.questions == [] and not again.changes_anything


def with_cached_values(xlsx, values):
    """``xlsx`` (openpyxl's bytes) with each formula cell given its cached value, as Excel saves
    it: ``values`` ``{cell reference: shown text}``."""
    source, out = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                for ref, shown in values.items():
                    text = re.sub(
                        rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?',
                        rf'<c r="{ref}"\1 t="str"><f>\2</f><v>{shown}</v>',
                        text,
                    )
                content = text.encode()
            target.writestr(item, content)
    return out.getvalue()


HYPERLINK = '=HYPERLINK("https://asso-sale.example.org","Association Salé Jeunes")'
FORMULA_ROWS = [
    ["Nom complet", "Sexe", "Organisation", "Région", "Téléphone", "J1", "J2"],
    ["Omar Fassi", "H", "Association Rabat Citoyenne", "Rabat-Salé-Kénitra", "0663300401", "x", "x"],
    ["Leila Bennis", "F", HYPERLINK, "Rabat-Salé-Kénitra", "0663300402", "x", ""],
]


def test_a_hyperlink_formula_in_excel_imports_as_the_text_it_shows(workshop):
    data = with_cached_values(to_xlsx(FORMULA_ROWS), {"C3": "Association Salé Jeunes"})

    preview, result = answered(workshop, data, "liste.xlsx")

    assert preview.questions == [] and not preview.warnings
    assert saved(workshop) == {
        "Omar Fassi": ("male", "04", "Association Rabat Citoyenne", True, 2),
        "Leila Bennis": ("female", "04", "Association Salé Jeunes", True, 1),
    }
    assert not Organization.objects.filter(name__startswith="=").exists()


def test_a_hyperlink_formula_as_text_is_refused_naming_row_and_column(workshop):
    errors = refused(workshop, to_csv(FORMULA_ROWS, delimiter=";"), "liste.csv")

    assert [(error.row, error.column) for error in errors] == [(3, "Organisation")]
    assert "formula" in str(errors[0])


def test_a_french_sign_in_sheet_without_day_columns(workshop):
    rows = [
        ["Feuille d'émargement - Atelier de Rabat", "", "", "", "", ""],
        ["N°", "Nom et prénom", "Sexe", "Organisation", "Téléphone", "Émargement"],
        ["1", "Rachid Alaoui", "H", "Association Rabat Citoyenne", "0663300501", ""],
        ["2", "Houda Sqalli", "F", "Association Salé Jeunes", "0663300502", ""],
        ["3", "Mehdi Berrada", "H", "Association Rabat Citoyenne", "0663300503", ""],
    ]

    preview, result = answered(workshop, to_csv(rows, delimiter=";"), "emargement.csv")

    [question] = preview.questions
    assert (question.kind, question.answer) == ("without_days", "all")  # proposed: present
    assert saved(workshop) == {
        "Rachid Alaoui": ("male", "", "Association Rabat Citoyenne", True, 2),
        "Houda Sqalli": ("female", "", "Association Salé Jeunes", True, 2),
        "Mehdi Berrada": ("male", "", "Association Rabat Citoyenne", True, 2),
    }
    assert result.organizations_created == 2 and counts() == (3, 2, 3, 6)


def test_a_semicolon_sheet_with_a_comma_in_every_organisation_and_blank_last_days(workshop):
    """Each organisation name holds a comma and most rows leave the last day blank: still ``;``
    (read as ``,`` it had no header)."""
    rows = [["Nom", "Prénom", "Sexe", "Organisation", "Tél", "J1", "J2"]]
    rows += [
        [
            f"NOM{n}",
            "Sara",
            "F",
            f"Association Nour, section {n}",
            f"066140050{n}",
            "x",
            "x" if n == 1 else "",
        ]
        for n in range(1, 5)
    ]

    preview, _result = answered(workshop, to_csv(rows, delimiter=";"), "liste.csv")

    assert preview.rows == 4
    assert {row[2] for row in saved(workshop).values()} == {
        f"Association Nour, section {n}" for n in range(1, 5)
    }
