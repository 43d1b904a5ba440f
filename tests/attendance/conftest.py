import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attendance.apply import import_attendance
from attendance.example import marrakech
from attendance.vocabulary import AttendanceImportError
from organizations.models import Organization, Person
from tests.conftest import _grant
from tests.factories import SessionFactory, WorkshopFactory
from workshops.models import Attendance, Participation

EXAMPLE_DIR = Path(marrakech.__file__).resolve().parent


@pytest.fixture
def three_day_workshop(db):
    """An empty workshop of 5-7 March 2021 with sessions 1-3, one a day."""
    workshop = WorkshopFactory(start_date=datetime.date(2021, 3, 5), end_date=datetime.date(2021, 3, 7))
    for day in (5, 6, 7):
        SessionFactory(workshop=workshop, date=datetime.date(2021, 3, day))
    return workshop


def sample(name):
    """Bytes of a sample sheet shipped in attendance/example/."""
    return (EXAMPLE_DIR / name).read_bytes()


def counts():
    """(people, organisations other than organisers, participations, attendance marks)."""
    return (
        Person.objects.count(),
        Organization.objects.filter(organized_workshops=None).count(),
        Participation.objects.count(),
        Attendance.objects.count(),
    )


def refused(workshop, data, name):
    """The AttendanceImportError's errors, after checking nothing was saved."""
    before = counts()
    with pytest.raises(AttendanceImportError) as excinfo:
        import_attendance(workshop, data, name)
    assert counts() == before
    return excinfo.value.errors


@pytest.fixture(autouse=True)
def _staging_in_tmp(settings, tmp_path):
    """Staged uploads go to the test's own folder."""
    settings.ATTENDANCE_STAGING_DIR = tmp_path / "staging"


@pytest.fixture
def importer(django_user_model):
    user = django_user_model.objects.create_user("importer", password="x", is_staff=True)
    _grant(
        user,
        "workshops.import_attendance",
        "workshops.view_workshop",
        "workshops.change_workshop",
        "organizations.view_person",
    )
    return django_user_model.objects.get(pk=user.pk)


def upload(client, workshop, data, name):
    url = reverse("admin:workshops_workshop_import_attendance", args=[workshop.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, data)})
