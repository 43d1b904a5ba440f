"""Morocco's legal time as the app computes it.

Morocco left permanent UTC+1 for permanent UTC+0 on 2026-09-20 (IANA 2026c and later). Hosts
often carry an older tz database, so config/settings.py empties zoneinfo's search path and the
rules come from the pinned ``tzdata`` package. These tests fail if the host's rules creep back.
"""

import datetime
import zoneinfo

import pytest
import tzdata
from django.utils import timezone

HOUR = datetime.timedelta(hours=1)
ZERO = datetime.timedelta(0)


def casablanca_zones():
    return {
        "django current timezone": timezone.get_current_timezone(),
        "zoneinfo": zoneinfo.ZoneInfo("Africa/Casablanca"),
    }


def test_zone_rules_come_from_the_tzdata_package_only():
    assert zoneinfo.TZPATH == ()
    assert tzdata.IANA_VERSION >= "2026f"


def test_current_timezone_is_casablanca():
    assert str(timezone.get_current_timezone()) == "Africa/Casablanca"


@pytest.mark.parametrize("source", ["django current timezone", "zoneinfo"])
@pytest.mark.parametrize(
    ("day", "offset"),
    [
        (datetime.date(2026, 1, 15), HOUR),  # UTC+1, the rule of 2018-2026
        (datetime.date(2026, 3, 1), ZERO),  # Ramadan 2026: back to UTC+0
        (datetime.date(2026, 6, 1), HOUR),
        (datetime.date(2026, 10, 15), ZERO),  # from 2026-09-20: permanent UTC+0
        (datetime.date(2026, 12, 15), ZERO),
        (datetime.date(2027, 6, 1), ZERO),  # no summer time any more
    ],
)
def test_casablanca_utc_offset_at_local_noon(source, day, offset):
    tz = casablanca_zones()[source]
    noon = datetime.datetime(day.year, day.month, day.day, 12, tzinfo=tz)

    assert noon.utcoffset() == offset


@pytest.mark.parametrize("source", ["django current timezone", "zoneinfo"])
def test_casablanca_switches_to_utc_on_2026_09_20_at_0100_utc(source):
    tz = casablanca_zones()[source]
    before = datetime.datetime(2026, 9, 20, 0, 59, tzinfo=datetime.UTC).astimezone(tz)
    at = datetime.datetime(2026, 9, 20, 1, 0, tzinfo=datetime.UTC).astimezone(tz)

    assert before.utcoffset() == HOUR
    assert before.time() == datetime.time(1, 59)
    assert at.utcoffset() == ZERO
    assert at.time() == datetime.time(1, 0)


def test_c_library_time_uses_the_tzdata_package_too():
    """Log timestamps come from time.localtime, which reads TZDIR: 15 October 2026 is UTC+0."""
    import datetime as dt
    import os
    import time

    assert os.environ["TZDIR"].endswith("tzdata/zoneinfo")
    os.environ["TZ"] = "Africa/Casablanca"
    time.tzset()
    moment = dt.datetime(2026, 10, 15, 12, tzinfo=dt.UTC).timestamp()
    assert time.localtime(moment).tm_gmtoff == 0
    january = dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC).timestamp()
    assert time.localtime(january).tm_gmtoff == 3600


def test_arabic_numbers_are_grouped():
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.utils import translation

    with translation.override("ar"):
        assert intcomma(4467911) == "4\u202f467\u202f911"
