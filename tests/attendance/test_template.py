"""The empty attendance template: the workshop's sessions as columns, drop-down lists, no
personal data, downloadable with the view permission, and it imports back once filled."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from attendance.apply import import_attendance
from attendance.sheet_template import render_template
from organizations.models import ExportLog
from tests.conftest import _grant
from tests.factories import ParticipationFactory
from workshops.models import Participation

pytestmark = pytest.mark.django_db


def template_url(workshop, language=""):
    url = reverse("admin:workshops_workshop_attendance_template", args=[workshop.pk])
    return url + (f"?language={language}" if language else "")


@pytest.fixture
def viewer(django_user_model):
    user = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    _grant(user, "workshops.view_workshop")
    return django_user_model.objects.get(pk=user.pk)


def test_template_has_the_report_header_and_a_column_per_session(three_day_workshop):
    ParticipationFactory(workshop=three_day_workshop)  # never in the template
    with translation.override("fr"):
        workbook = load_workbook(io.BytesIO(render_template(three_day_workshop)))
    sheet, lists = workbook.worksheets
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Nom", "Prénom", "Sexe"]
    assert header[-3:] == ["Jour 1 (05/03/2021)", "Jour 2 (06/03/2021)", "Jour 3 (07/03/2021)"]
    assert {"Rôle", "Compte dans les totaux", "Statut", "Tranche d'âge", "Région"} <= set(header)
    assert sheet.max_row == 1
    assert lists.sheet_state == "hidden"
    validated = {str(v.sqref).split(":")[0] for v in sheet.data_validations.dataValidation}
    role_column = sheet.cell(row=1, column=header.index("Rôle") + 1).column_letter
    assert f"{role_column}2" in validated
    assert "facilitateur" in [cell.value for column in lists.iter_cols() for cell in column]


def fill(data, rows):
    """The template ``data`` with ``rows`` ({header: value}) written below its header."""
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for number, values in enumerate(rows, start=2):
        for title, value in values.items():
            sheet.cell(row=number, column=header.index(title) + 1, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FILLED = {
    "ar": [
        {"الاسم العائلي": "بناني", "الاسم الشخصي": "نزهة", "الجنس": "امرأة", "الدور": "مشارك"},
        {"الاسم العائلي": "الفاسي", "الاسم الشخصي": "يوسف", "الجنس": "رجل", "الدور": "طاقم التنظيم"},
    ],
    "fr": [
        {"Nom": "Bennani", "Prénom": "Nouzha", "Sexe": "femme", "Rôle": "participant"},
        {"Nom": "Fassi", "Prénom": "Youssef", "Sexe": "homme", "Rôle": "personnel organisateur"},
    ],
    "en": [
        {"Last name": "Bennani", "First name": "Nouzha", "Gender": "woman", "Role": "participant"},
        {"Last name": "Fassi", "First name": "Youssef", "Gender": "man", "Role": "organising staff"},
    ],
}


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_filled_template_imports_back(client, viewer, three_day_workshop, language):
    client.force_login(viewer)
    response = client.get(template_url(three_day_workshop, language))
    assert response.status_code == 200
    assert "attendance-template-" in response["Content-Disposition"]
    assert ExportLog.objects.count() == 0  # no personal data: nothing to log
    workbook = load_workbook(io.BytesIO(response.content))
    day1 = workbook.worksheets[0].cell(row=1, column=13).value
    first, second = FILLED[language]
    data = fill(response.content, [{**first, day1: "✓"}, {**second, day1: "✓"}])
    result = import_attendance(three_day_workshop, data, "filled.xlsx")
    assert result.participations_created == 2
    participations = three_day_workshop.participations.order_by("role")
    assert [(p.role, p.counts_toward_totals, p.status, p.person.gender) for p in participations] == [
        (Participation.Role.PARTICIPANT, True, Participation.Status.ATTENDED, "female"),
        (Participation.Role.STAFF, False, Participation.Status.ATTENDED, "male"),
    ]
    assert [list(p.sessions.values_list("position", flat=True)) for p in participations] == [[1], [1]]


def test_template_is_refused_without_the_view_permission(client, staff_user, three_day_workshop):
    client.force_login(staff_user)
    assert client.get(template_url(three_day_workshop)).status_code == 403


def test_template_asks_anonymous_visitors_to_log_in(client, three_day_workshop):
    response = client.get(template_url(three_day_workshop))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_workshop_page_links_the_template(client, viewer, three_day_workshop):
    client.force_login(viewer)
    response = client.get(reverse("admin:workshops_workshop_change", args=[three_day_workshop.pk]))
    assert template_url(three_day_workshop).encode() in response.content


def test_template_columns_are_wide_enough_for_what_goes_in_them(three_day_workshop):
    """A region's column fits its longest region, a free-text column leaves room to type (the
    header alone made "Région" 8 characters wide for "Tanger-Tétouan-Al Hoceima")."""
    with translation.override("fr"):
        sheet = load_workbook(io.BytesIO(render_template(three_day_workshop))).worksheets[0]
    widths = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
    assert widths["Région"] >= len("Tanger-Tétouan-Al Hoceima")
    assert min(widths["Nom"], widths["Organisation"], widths["Téléphone"]) >= 20
    assert widths["Rôle"] >= len("personnel organisateur")
