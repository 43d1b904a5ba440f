"""The PDF sign-in sheet, the right-to-left XLSX in Arabic, and the export log."""

import getpass
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from attendance.exports import render_attendance
from organizations.models import ExportLog
from tests.conftest import _grant
from tests.factories import (
    OrganizationFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    SessionFactory,
    WorkshopFactory,
    WorkshopPartnerFactory,
)

pytestmark = pytest.mark.django_db


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_sign_in_sheet_has_one_signature_column_per_session_and_names_in_logical_order(example):
    with translation.override("ar"):
        data = render_attendance(example, "pdf")
    assert data.startswith(b"%PDF")
    reader, text = pdf_text(data)
    assert len(reader.pages) >= 2
    # First and last names in columns of their own (the template's), each in logical order.
    for name in ("نزهة", "بناني", "المهدي", "المرابط", "عبد الرحيم", "البقالي"):
        assert name in text
    first_page = reader.pages[0].extract_text()
    # One signature column per session, headed by its date.
    assert [first_page.count(day) for day in ("05/03/2021", "06/03/2021", "07/03/2021")] == [1, 1, 1]
    assert "National Endowment for Democracy" in text  # the funder
    assert "حركة بدائل مواطنة" in text  # the organiser


def test_sign_in_sheet_in_english_counts_its_signature_columns(three_day_workshop):
    person = PersonFactory(first_name="سلمى", last_name="الإدريسي")
    ParticipationFactory(workshop=three_day_workshop, person=person)
    cancelled = PersonFactory(first_name="Hind", last_name="Cancelled")
    ParticipationFactory(workshop=three_day_workshop, person=cancelled, status="cancelled")
    _reader, text = pdf_text(render_attendance(three_day_workshop, "pdf"))
    assert text.count("Signature") == 3
    assert "سلمى" in text and "الإدريسي" in text
    assert "Cancelled" not in text


def test_blank_sign_in_sheet_holds_no_names(example):
    _reader, text = pdf_text(render_attendance(example, "pdf", blank=True))
    assert "بناني" not in text
    assert "Sign-in sheet" in text


def test_sign_in_sheet_of_a_workshop_without_sessions_has_one_signature_column():
    workshop = WorkshopFactory()
    _reader, text = pdf_text(render_attendance(workshop, "pdf"))
    assert text.count("Signature") == 1


def test_sign_in_sheet_names_project_funders_too():
    funder = OrganizationFactory(name="Fondation Exemple")
    project = ProjectFactory()
    project.funders.add(funder)
    workshop = WorkshopFactory(project=project)
    WorkshopPartnerFactory(workshop=workshop, organization=OrganizationFactory(name="Partenaire Direct"))
    _reader, text = pdf_text(render_attendance(workshop, "pdf"))
    assert "Fondation Exemple" in text and "Partenaire Direct" in text
    assert "Funders" in text


def test_xlsx_reads_right_to_left_in_arabic_only(example):
    with translation.override("ar"):
        arabic = load_workbook(io.BytesIO(render_attendance(example, "xlsx")))
    english = load_workbook(io.BytesIO(render_attendance(example, "xlsx")))
    assert [ws.sheet_view.rightToLeft for ws in arabic.worksheets] == [True, True]
    assert not any(ws.sheet_view.rightToLeft for ws in english.worksheets)
    header = arabic.worksheets[0]["A1"]
    assert header.font.bold and header.fill.fgColor.rgb.endswith("1F4E78")
    assert arabic.worksheets[0].freeze_panes == "A2"


# Export log ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "kind"), [("csv", "attendance_list"), ("xlsx", "attendance_list"), ("pdf", "sign_in_sheet")]
)
def test_admin_download_is_logged(client, export_user, example, fmt, kind):
    client.force_login(export_user)
    response = client.get(reverse("admin:workshops_workshop_export_attendance", args=[example.pk, fmt]))
    assert response.status_code == 200
    entry = ExportLog.objects.get()
    assert (entry.user, entry.username, entry.kind, entry.file_format, entry.workshop) == (
        export_user,
        "exporter",
        kind,
        fmt,
        example,
    )
    assert (entry.row_count, entry.personal_data, entry.channel) == (50, True, "admin")
    assert entry.scope == example.title


def test_blank_sheet_download_is_logged_without_personal_data(client, export_user, example):
    client.force_login(export_user)
    response = client.get(
        reverse("admin:workshops_workshop_export_attendance", args=[example.pk, "pdf"]) + "?blank=1"
    )
    assert response["Content-Type"] == "application/pdf"
    assert "sign-in-blank-" in response["Content-Disposition"]
    assert ExportLog.objects.get().personal_data is False


def test_refused_download_is_not_logged(client, staff_user, example):
    client.force_login(staff_user)
    client.get(reverse("admin:workshops_workshop_export_attendance", args=[example.pk, "csv"]))
    assert ExportLog.objects.count() == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_export_command_offers_every_format_and_logs(example, tmp_path, fmt):
    output = tmp_path / f"out.{fmt}"
    call_command(
        "export_attendance", example.slug, "--format", fmt, "--output", str(output), "--language", "ar"
    )
    assert output.stat().st_size > 1000
    entry = ExportLog.objects.get()
    assert (entry.channel, entry.file_format, entry.user) == ("command", fmt, None)
    assert entry.username == getpass.getuser()


def test_export_command_writes_a_blank_pdf(example, tmp_path):
    output = tmp_path / "blank.pdf"
    call_command("export_attendance", example.slug, "--format", "pdf", "--blank", "--output", str(output))
    assert "بناني" not in pdf_text(output.read_bytes())[1]


@pytest.fixture
def manager(django_user_model):
    user = django_user_model.objects.create_user("manager", password="x", is_staff=True)
    _grant(user, "organizations.view_exportlog")
    return django_user_model.objects.get(pk=user.pk)


def test_managers_see_the_export_log_read_only(client, manager, example):
    ExportLog.record(kind="attendance_list", file_format="csv", username="someone", workshop=example, rows=50)
    client.force_login(manager)
    response = client.get(reverse("admin:organizations_exportlog_changelist"))
    assert response.status_code == 200
    assert "someone" in response.content.decode()
    entry = ExportLog.objects.get()
    detail = client.get(reverse("admin:organizations_exportlog_change", args=[entry.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert client.get(reverse("admin:organizations_exportlog_add")).status_code == 403
    assert client.post(reverse("admin:organizations_exportlog_delete", args=[entry.pk])).status_code == 403


def test_staff_without_permission_do_not_see_the_export_log(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("admin:organizations_exportlog_changelist")).status_code == 403


def test_anonymous_is_sent_to_login_from_the_export_log(client):
    response = client.get(reverse("admin:organizations_exportlog_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_sessions_are_columns_in_session_order(three_day_workshop):
    SessionFactory(workshop=three_day_workshop, title="Restitution")
    ParticipationFactory(workshop=three_day_workshop)
    _reader, text = pdf_text(render_attendance(three_day_workshop, "pdf"))
    assert text.index("Day 1") < text.index("Day 3") < text.index("Restitution")
