"""One import at a time per workshop: the same sheet imported or confirmed twice at the same
moment is saved once (300 rows → 300 participations, not 600). Threads on PostgreSQL (a row
lock on the workshop), processes on SQLite (a file database: one writer at a time)."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from attendance.apply import import_attendance
from tests.conftest import _grant
from tests.factories import SessionFactory, WorkshopFactory
from workshops.models import Attendance, Participation

ROOT = Path(__file__).resolve().parents[2]
ROWS = 300
only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="threads share one database server on PostgreSQL only"
)


def sheet(rows=ROWS):
    """A CSV of ``rows`` people without phone or e-mail (nothing unique in the database to stop
    a second copy), present on day 1."""
    lines = ["Nom;Prénom;J1;J2"]
    lines += [f"Nom{n};Prénom{n};x;" for n in range(rows)]
    return "\n".join(lines).encode()


def at_once(*calls):
    """Run ``calls`` in threads released together; returns what each returned or raised."""
    barrier, outcomes = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            outcomes[index] = call()
        except Exception as exc:  # reported to the test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.fixture
def two_day_workshop():
    workshop = WorkshopFactory()
    SessionFactory(workshop=workshop, position=1, date=workshop.start_date)
    SessionFactory(workshop=workshop, position=2, date=workshop.start_date)
    return workshop


@only_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_imports_of_one_sheet_at_once_save_it_once(two_day_workshop):
    data = sheet()
    outcomes = at_once(*[lambda: import_attendance(two_day_workshop, data, "sheet.csv")] * 2)
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert sorted(o.participations_created for o in outcomes) == [0, ROWS]
    assert Participation.objects.filter(workshop=two_day_workshop).count() == ROWS
    assert Attendance.objects.filter(participation__workshop=two_day_workshop).count() == ROWS


@only_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_confirmation_sent_twice_at_once_imports_once(
    two_day_workshop, django_user_model, settings, tmp_path
):
    settings.ATTENDANCE_STAGING_DIR = tmp_path / "staging"
    user = django_user_model.objects.create_user("importer", password="x", is_staff=True)
    _grant(user, "workshops.import_attendance", "workshops.view_workshop", "workshops.change_workshop")
    url = reverse("admin:workshops_workshop_import_attendance", args=[two_day_workshop.pk])
    first = Client()
    first.force_login(user)
    token = first.post(url, {"file": SimpleUploadedFile("s.csv", sheet())}).context["token"]
    second = Client()
    second.cookies = first.cookies  # the same browser: a double click, two tabs
    outcomes = at_once(*[lambda c=c: c.post(url, {"token": token, "confirm": "1"}) for c in (first, second)])
    assert [o.status_code for o in outcomes] == [302, 302]
    assert Participation.objects.filter(workshop=two_day_workshop).count() == ROWS
    assert list((tmp_path / "staging").iterdir()) == []


def manage(database, *args, output=subprocess.PIPE):
    """Start ``manage.py *args`` on the SQLite file ``database``; its output goes to ``output``."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_DEBUG": "1"}
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=output,
        text=True,
    )


def run(database, *args):
    process = manage(database, *args)
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    return out


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite file database case")
def test_two_import_commands_at_once_on_sqlite_save_the_sheet_once(tmp_path):
    database = tmp_path / "db.sqlite3"
    run(database, "migrate", "--verbosity", "0")
    setup = (
        "import datetime as dt;"
        "from organizations.models import Organization;"
        "from workshops.models import Session, Workshop;"
        "o = Organization.objects.create(name='Organiser');"
        "w = Workshop.objects.create(title='Concurrent', slug='concurrent', organizer=o,"
        " start_date=dt.date(2021, 3, 5), end_date=dt.date(2021, 3, 6));"
        "[Session.objects.create(workshop=w, position=n, date=dt.date(2021, 3, 4 + n)) for n in (1, 2)]"
    )
    run(database, "shell", "-c", setup)
    path = tmp_path / "sheet.csv"
    path.write_bytes(sheet())
    # Output to files, not pipes: hundreds of warnings would fill a pipe and stall the process.
    logs = [(tmp_path / f"import-{n}.log").open("w") for n in range(2)]
    processes = [manage(database, "import_attendance", "concurrent", str(path), output=log) for log in logs]
    codes = [process.wait(timeout=600) for process in processes]
    for log in logs:
        log.close()
    assert codes == [0, 0], [(tmp_path / f"import-{n}.log").read_text()[-2000:] for n in range(2)]
    count = (
        "from workshops.models import Attendance, Participation;"
        "print(Participation.objects.count(), Attendance.objects.count())"
    )
    assert run(database, "shell", "--verbosity", "0", "-c", count).split() == [str(ROWS), str(ROWS)]
