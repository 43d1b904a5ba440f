"""Attendance reports: content, disaggregation, formula neutralisation, and who may download."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from attendance.exports import neutralize, render_attendance
from tests.factories import AttendanceFactory, ParticipationFactory, PersonFactory, SessionFactory

pytestmark = pytest.mark.django_db


def read_csv(data):
    assert data.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_report_has_one_row_per_participant_and_sessions(example):
    rows = read_csv(render_attendance(example, "csv"))
    header = rows[0]
    assert header[:3] == ["Last name", "First name", "Gender"]
    assert header[-1] == "Sessions attended"
    participants = rows[1:51]
    assert len(participants) == 50
    assert rows[51] == []
    sessions_attended = [int(row[-1]) for row in participants]
    assert sessions_attended.count(3) == 43
    assert sum(sessions_attended) == 48 + 50 + 45
    # Phones start with "+", a formula trigger, but are only digits: exported as they are.
    bennani = next(row for row in participants if row[3] == "+212600000901")
    assert bennani[:2] == ["بناني", "نزهة"]


def test_summary_counts_gender_by_region_and_sessions(example):
    rows = read_csv(render_attendance(example, "csv"))
    assert rows[52] == ["Summary"]  # the import stops there
    summary = rows[53:]
    assert summary[0] == ["Region", "woman", "man", "not stated", "Total"]
    total = next(row for row in summary if row[0] == "Total")
    assert total[1:] == ["23", "27", "0", "50"]
    by_region = {row[0]: int(row[-1]) for row in summary[1:4]}
    assert sorted(by_region.values()) == [16, 17, 17]
    assert [row[-1] for row in summary[-3:]] == ["48", "50", "45"]


def test_xlsx_report_has_participants_and_summary_sheets(example):
    workbook = load_workbook(io.BytesIO(render_attendance(example, "xlsx")))
    participants, summary = workbook.worksheets
    assert participants.max_row == 51
    assert participants.freeze_panes == "A2"
    assert participants["A1"].font.bold
    assert summary.cell(row=1, column=1).value == "Region"


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://x")',
        "+1+1",
        "+cmd|' /C calc'!A0",
        "+212600000901+1",
        "+ 1",
        "-2+3",
        "-5",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "+212\t600",
    ],
)
def test_formula_triggers_are_neutralised(value):
    assert neutralize(value) == "'" + value


@pytest.mark.parametrize("value", ["+212600000901", "+212 600 000 901", "0600000901", "+1"])
def test_phone_numbers_are_not_taken_for_formulas(value):
    assert neutralize(value) == value


def test_phones_are_exported_without_apostrophe_in_xlsx(example):
    sheet = load_workbook(io.BytesIO(render_attendance(example, "xlsx"))).worksheets[0]
    phones = [row[3].value for row in sheet.iter_rows(min_row=2)]
    assert "+212600000901" in phones
    assert not any(phone.startswith("'") for phone in phones if phone)


def test_plain_values_are_untouched():
    assert neutralize("بناني") == "بناني"
    assert neutralize(3) == 3


def test_dangerous_names_are_neutralised_in_both_formats(three_day_workshop):
    session = three_day_workshop.sessions.first()
    person = PersonFactory(last_name="=cmd|' /C calc'!A0", first_name="@evil")
    participation = ParticipationFactory(workshop=three_day_workshop, person=person)
    AttendanceFactory(participation=participation, session=session)
    rows = read_csv(render_attendance(three_day_workshop, "csv"))
    assert rows[1][:2] == ["'=cmd|' /C calc'!A0", "'@evil"]
    sheet = load_workbook(io.BytesIO(render_attendance(three_day_workshop, "xlsx"))).worksheets[0]
    assert sheet["A2"].value == "'=cmd|' /C calc'!A0"
    assert sheet["A2"].data_type == "s"


def test_export_command_writes_csv_and_xlsx(example, tmp_path):
    call_command("export_attendance", example.slug, "--format", "csv", "--output", str(tmp_path / "a.csv"))
    call_command(
        "export_attendance", str(example.pk), "--format", "xlsx", "--output", str(tmp_path / "a.xlsx")
    )
    assert len(read_csv((tmp_path / "a.csv").read_bytes())) > 50
    assert load_workbook(tmp_path / "a.xlsx").worksheets[0].max_row == 51


def export_url(workshop, fmt="csv"):
    return reverse("admin:workshops_workshop_export_attendance", args=[workshop.pk, fmt])


def test_anonymous_user_cannot_download_the_report(client, example):
    response = client.get(export_url(example))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert b"+212600000901" not in response.content


def test_staff_without_permission_cannot_download_the_report(client, staff_user, example):
    client.force_login(staff_user)
    response = client.get(export_url(example))
    assert response.status_code == 403
    assert b"+212600000901" not in response.content


def test_non_staff_user_cannot_reach_the_admin(client, django_user_model, example):
    user = django_user_model.objects.create_user("volunteer", password="x")
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_anonymous_user_cannot_reach_the_admin(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_staff_with_permission_downloads_the_report(client, export_user, example, fmt, content_type):
    client.force_login(export_user)
    response = client.get(export_url(example, fmt))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "attachment" in response["Content-Disposition"]
    expected = render_attendance(example, fmt)
    if fmt == "csv":
        assert response.content == expected
    else:  # an XLSX carries its creation time: compare the cells

        def cells(data):
            return [
                list(row)
                for sheet in load_workbook(io.BytesIO(data))
                for row in sheet.iter_rows(values_only=True)
            ]

        assert cells(response.content) == cells(expected)


def test_unknown_export_format_is_refused(client, export_user, example):
    client.force_login(export_user)
    assert client.get(export_url(example, "docx")).status_code == 404


def test_report_lists_no_show_and_sessions_of_a_small_workshop(three_day_workshop):
    extra = SessionFactory(workshop=three_day_workshop)
    ParticipationFactory(workshop=three_day_workshop, status="no_show")
    header, *rows = read_csv(render_attendance(three_day_workshop, "csv"))
    assert len([h for h in header if h.startswith("Day ")]) == 4
    assert extra.position == 4
    assert rows[0][header.index("Status")] == "no-show"
    assert rows[0][-1] == "0"
