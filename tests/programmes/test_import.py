"""Import of a programme's projects from the tables communes publish: header finding in Arabic
and French, costs and years as typed, errors naming row and column, all or nothing."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from programmes.importing import read_table, save_rows
from programmes.models import Project
from tests.attendance.sheetmakers import to_csv, to_ods, to_xlsx
from tests.programmes.factories import ActionProgrammeFactory, ProjectFactory

pytestmark = pytest.mark.django_db

NBSP, NNBSP = "\u00a0", "\u202f"
ARABIC_TABLE = [
    ["ر.ت", "المشروع", "القطاع", "الكلفة التقديرية (بالدرهم)", "سنوات الإنجاز", "الشركاء"],
    [
        "1",
        "تهيئة الطريق الجماعية رقم 5",
        "البنية التحتية",
        f"1{NBSP}200{NBSP}000",
        "2023-2025",
        "المجلس الإقليمي",
    ],
    ["2", "بناء دار الشباب", "الشباب والرياضة", f"2{NNBSP}500{NNBSP}000,00 درهم", "2023 – 2024", ""],
    ["3", "تزويد الدواوير بالماء الصالح للشرب", "الماء", "٦٢٠٠٠٠٠", "٢٠٢٤/٢٠٢٧", "المكتب الوطني"],
]
FRENCH_TABLE = [
    ["N°", "Intitulé du projet", "Secteur", "Coût estimatif (DH)", "Années", "Partenaires", "Lieu"],
    ["1", "Éclairage public du centre", "Infrastructures", "1.200.000", "2023/2025", "ONEE", "Centre"],
    ["2", "Aménagement d'un terrain de proximité", "Sport", "2 M MAD", "2026", "", "Douar Ouled Ali"],
]


def _table(rows, data_maker=to_xlsx, filename="pac.xlsx", **options):
    programme = ActionProgrammeFactory()
    return programme, read_table(data_maker(rows, **options), filename, programme)


def test_arabic_xlsx_with_title_lines_and_spaced_thousands():
    programme, table = _table(
        ARABIC_TABLE, title_lines=[["برنامج عمل جماعة عين البيضاء 2022-2027"], []], rtl=True
    )
    assert table.errors == []
    assert [(r["title"], r["estimated_cost"], r["start_year"], r["end_year"]) for r in table.rows] == [
        ("تهيئة الطريق الجماعية رقم 5", Decimal("1200000.00"), 2023, 2025),
        ("بناء دار الشباب", Decimal("2500000.00"), 2023, 2024),
        ("تزويد الدواوير بالماء الصالح للشرب", Decimal("6200000.00"), 2024, 2027),
    ]
    assert table.rows[0]["partners_text"] == "المجلس الإقليمي"
    created = save_rows(programme, table.rows)
    assert [(p.position, p.sector) for p in created] == [
        (1, "البنية التحتية"),
        (2, "الشباب والرياضة"),
        (3, "الماء"),
    ]


# Windows-1256 has the no-break space but neither the narrow one nor Arabic-Indic digits.
CP1256_TABLE = [
    [cell.replace(NNBSP, NBSP).translate(str.maketrans("٠١٢٦٤٧", "012647")) for cell in row]
    for row in ARABIC_TABLE
]


@pytest.mark.parametrize(("encoding", "rows"), [("utf-8-sig", ARABIC_TABLE), ("cp1256", CP1256_TABLE)])
def test_arabic_csv_in_utf8_and_windows_arabic(encoding, rows):
    _programme, table = _table(
        rows, data_maker=lambda rows: to_csv(rows, encoding=encoding), filename="pac.csv"
    )
    assert table.errors == []
    assert [r["title"] for r in table.rows] == [row[1] for row in ARABIC_TABLE[1:]]
    assert [r["estimated_cost"] for r in table.rows] == [
        Decimal("1200000"),
        Decimal("2500000"),
        Decimal("6200000"),
    ]


def test_french_ods_with_millions_and_location():
    _programme, table = _table(FRENCH_TABLE, data_maker=to_ods, filename="pac.ods")
    assert table.errors == []
    assert [
        (r["estimated_cost"], r["years"] if "years" in r else r["start_year"], r["location"])
        for r in table.rows
    ] == [
        (Decimal("1200000"), 2023, "Centre"),
        (Decimal("2000000"), 2026, "Douar Ouled Ali"),
    ]


def test_errors_name_the_row_and_the_column_and_nothing_is_saved():
    rows = [
        FRENCH_TABLE[0],
        ["1", "Éclairage public", "Infra", "environ un million", "2023", "", ""],
        ["2", "", "Sport", "100 000", "2023", "", ""],
        ["3", "Piste rurale", "Routes", "300 000", "2030-2031", "", ""],
        ["4", "Marché", "Commerce", "500 000", "2024", "", ""],
    ]
    _programme, table = _table(rows)
    assert [str(error) for error in table.errors] == [
        "Row 2, estimated cost: “environ un million” is not an amount in dirhams "
        "(write it as 1 200 000 or 1 200 000,00 DH).",
        "Row 3, project: the project has no title.",
        "Row 4, planned years: “2030-2031” lies outside the programme's years 2022-2027.",
    ]
    assert [r["title"] for r in table.rows] == ["Marché"]


def test_errors_are_translated(settings):
    settings.LANGUAGE_CODE = "fr"
    from django.utils import translation

    with translation.override("fr"):
        _programme, table = _table([FRENCH_TABLE[0], ["1", "Marché", "Commerce", "beaucoup", "2024", "", ""]])
        message = str(table.errors[0])
    assert message.startswith("Ligne 2, coût estimatif")


def test_a_project_already_in_the_programme_or_repeated_is_an_error():
    programme = ActionProgrammeFactory()
    ProjectFactory(programme=programme, title="Bناء دار الشباب".replace("B", "ب"))
    rows = [ARABIC_TABLE[0], ARABIC_TABLE[1], ARABIC_TABLE[2], ARABIC_TABLE[1]]
    table = read_table(to_xlsx(rows), "pac.xlsx", programme)
    assert [str(e) for e in table.errors] == [
        "Row 3, project: the programme already has this project.",
        "Row 4, project: the project is listed twice in the sheet (row 2).",
    ]


def test_sheet_without_header_is_refused_with_the_expected_column_names():
    _programme, table = _table([["a", "b"], ["1", "2"]])
    assert (
        len(table.errors) == 1 and "“Projet”" in str(table.errors[0]) and "“المشروع”" in str(table.errors[0])
    )


def test_not_a_sheet_is_refused():
    programme = ActionProgrammeFactory()
    table = read_table(b"%PDF-1.4 not a table", "pac.xlsx", programme)
    assert table.rows == [] and table.errors


@pytest.fixture
def importer(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("importer", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["change_actionprogramme", "view_actionprogramme", "add_project"]
        )
    )
    client.force_login(user)
    return client


def _upload(client, programme, data, name="pac.xlsx"):
    url = reverse("admin:programmes_actionprogramme_import", kwargs={"pk": programme.pk})
    return client.post(url, {"sheet": SimpleUploadedFile(name, data)})


def test_admin_import_previews_then_saves_all_on_confirmation(importer):
    programme = ActionProgrammeFactory()
    ProjectFactory(programme=programme, position=1, title="Projet déjà là")
    preview = _upload(importer, programme, to_xlsx(ARABIC_TABLE))
    assert preview.status_code == 200
    assert Project.objects.filter(programme=programme).count() == 1
    page = preview.content.decode()
    assert "بناء دار الشباب" in page and "2,500,000.00" in page
    token = preview.context["token"]
    url = reverse("admin:programmes_actionprogramme_import", kwargs={"pk": programme.pk})
    response = importer.post(url, {"token": token})
    assert response.status_code == 302
    assert list(programme.projects.values_list("position", "estimated_cost")) == [
        (1, Decimal("1200000.00")),
        (2, Decimal("1200000.00")),
        (3, Decimal("2500000.00")),
        (4, Decimal("6200000.00")),
    ]


def test_admin_import_with_errors_offers_no_confirmation(importer):
    programme = ActionProgrammeFactory()
    rows = [FRENCH_TABLE[0], ["1", "Marché", "Commerce", "beaucoup", "2024", "", ""]]
    response = _upload(importer, programme, to_xlsx(rows))
    page = response.content.decode()
    assert "Row 2, estimated cost" in page and 'name="token"' not in page
    assert not programme.projects.exists()


def test_admin_import_refuses_an_altered_or_foreign_preview(importer):
    programme, other = ActionProgrammeFactory(), ActionProgrammeFactory()
    token = _upload(importer, other, to_xlsx(ARABIC_TABLE)).context["token"]
    url = reverse("admin:programmes_actionprogramme_import", kwargs={"pk": programme.pk})
    response = importer.post(url, {"token": token}, follow=True)
    assert "expired or was altered" in response.content.decode()
    assert not Project.objects.exists()


def test_admin_import_needs_the_right_to_add_projects(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_actionprogramme", "view_actionprogramme"])
    )
    client.force_login(user)
    response = _upload(client, ActionProgrammeFactory(), to_xlsx(ARABIC_TABLE))
    assert response.status_code == 403


def test_admin_import_page_sends_anonymous_visitors_to_the_login(client):
    programme = ActionProgrammeFactory()
    response = client.get(reverse("admin:programmes_actionprogramme_import", kwargs={"pk": programme.pk}))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_load_programme_example_command_says_what_it_did(db):
    import io

    from django.core.management import call_command

    first, second = io.StringIO(), io.StringIO()
    call_command("load_programme_example", stdout=first)
    call_command("load_programme_example", stdout=second)
    assert first.getvalue().startswith("Loaded “Action programme of Ain Bida")
    assert "already loaded: nothing changed" in second.getvalue()
