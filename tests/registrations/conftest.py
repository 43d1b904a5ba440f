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


@pytest.fixture
def open_workshop(db):
    """A planned two-day workshop in a month, open to registration, whose organiser declared
    its processing to the CNDP."""
    organizer = OrganizationFactory(
        name="Association Tanmia Souss", cndp_declaration="D-GC-123/2026", public_email="contact@tanmia.ma"
    )
    start = timezone.localdate() + datetime.timedelta(days=30)
    return WorkshopFactory(
        title="ورشة الميزانية التشاركية",
        slug="ورشة-الميزانية",
        organizer=organizer,
        start_date=start,
        end_date=start + datetime.timedelta(days=1),
        status="planned",
        registration_open=True,
    )
