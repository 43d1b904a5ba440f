import datetime
from pathlib import Path

import pytest

from attendance.example import marrakech
from tests.factories import SessionFactory, WorkshopFactory

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
