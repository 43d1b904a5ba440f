"""The import and export commands: files they refuse, formats they choose, the export log."""

import io

import pytest
from django.core.management import CommandError, call_command

from organizations.models import ExportLog
from tests.attendance.conftest import sample

pytestmark = pytest.mark.django_db

FR = "marrakech-2021-03-attendance-fr.csv"


def test_the_import_command_refuses_an_oversized_file_without_reading_it(
    three_day_workshop, tmp_path, settings
):
    settings.ATTENDANCE_UPLOAD_MAX_BYTES = 1000
    path = tmp_path / "a.csv"
    path.write_bytes(sample(FR))
    with pytest.raises(CommandError, match="too large"):
        call_command("import_attendance", str(three_day_workshop.pk), str(path))


def test_the_import_command_reports_a_folder_given_as_file(three_day_workshop, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_attendance", str(three_day_workshop.pk), str(tmp_path))


# The export command ----------------------------------------------------------------------------


def test_export_command_takes_the_format_from_the_file_name(example, tmp_path):
    call_command(
        "export_attendance", str(example.pk), "--output", str(tmp_path / "r.csv"), stdout=io.StringIO()
    )
    assert (tmp_path / "r.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    call_command(
        "export_attendance", str(example.pk), "--output", str(tmp_path / "r.xlsx"), stdout=io.StringIO()
    )
    assert (tmp_path / "r.xlsx").read_bytes().startswith(b"PK")


def test_export_command_refuses_a_format_that_contradicts_the_file_name(example, tmp_path):
    with pytest.raises(CommandError, match="r.csv"):
        call_command(
            "export_attendance", str(example.pk), "--format", "xlsx", "--output", str(tmp_path / "r.csv")
        )
    assert not (tmp_path / "r.csv").exists()


def test_export_command_takes_format_for_a_neutral_extension(example, tmp_path):
    call_command(
        "export_attendance",
        str(example.pk),
        "--format",
        "csv",
        "--output",
        str(tmp_path / "r.txt"),
        stdout=io.StringIO(),
    )
    assert (tmp_path / "r.txt").read_bytes().startswith(b"\xef\xbb\xbf")


def test_export_command_needs_a_format_for_an_unknown_extension(example, tmp_path):
    with pytest.raises(CommandError, match="--format"):
        call_command("export_attendance", str(example.pk), "--output", str(tmp_path / "report"))


def test_export_command_reports_an_unwritable_output_and_logs_nothing(example, tmp_path):
    with pytest.raises(CommandError, match="no-such-folder"):
        call_command(
            "export_attendance", str(example.pk), "--output", str(tmp_path / "no-such-folder" / "r.csv")
        )
    assert ExportLog.objects.count() == 0
