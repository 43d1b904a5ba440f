"""Dates and times in Arabic read day first with a 24-hour clock (``config/formats/ar``)."""

import datetime as dt
import zoneinfo

from django.template import Context, Template
from django.utils import formats, translation

CASABLANCA = zoneinfo.ZoneInfo("Africa/Casablanca")


def test_arabic_date_and_time_is_day_first_on_a_24_hour_clock():
    moment = dt.datetime(2026, 12, 2, 14, 6, tzinfo=CASABLANCA)
    with translation.override("ar"):
        text = Template("{{ moment }}").render(Context({"moment": moment}))
        time = formats.time_format(moment.time())
    assert text == "2 ديسمبر 2026، 14:06"
    assert time == "14:06"


def test_arabic_short_date_and_time():
    moment = dt.datetime(2021, 3, 5, 9, 0, tzinfo=CASABLANCA)
    with translation.override("ar"):
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "05/03/2021 09:00"
