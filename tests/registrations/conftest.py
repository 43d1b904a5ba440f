import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.factories import OrganizationFactory, WorkshopFactory


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    """Each test starts with no submission counted for the test client's address."""
    cache.clear()
    yield
    cache.clear()


def make_open_workshop(organizer_name="Association Tanmia Souss", days_ahead=30, **changes):
    """A planned two-day workshop ``days_ahead`` days from today, open to registration, whose
    organiser (``organizer_name``) declared its processing to the CNDP; ``changes`` go to the
    workshop's factory."""
    organizer = OrganizationFactory(
        name=organizer_name, cndp_declaration="D-GC-123/2026", public_email="contact@tanmia.ma"
    )
    start = timezone.localdate() + datetime.timedelta(days=days_ahead)
    values = {
        "title": "ورشة الميزانية التشاركية",
        "slug": "ورشة-الميزانية",
        "start_date": start,
        "end_date": start + datetime.timedelta(days=1),
        "status": "planned",
        "registration_open": True,
        **changes,
    }
    return WorkshopFactory(organizer=organizer, **values)


@pytest.fixture
def open_workshop(db):
    return make_open_workshop()
