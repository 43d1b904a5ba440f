"""Arabic number and date formats for Morocco, over Django's own ``ar`` locale.

Moroccan Arabic texts write Western digits; thousands are grouped by three, as in French, with a
narrow no-break space (so a number never breaks across lines), and the decimal separator is a comma.
"""

from django.conf.locale.ar.formats import *  # noqa: F403

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u202f"
NUMBER_GROUPING = 3

# Django's ``ar`` locale gives no date-and-time format, so Django's English default ("N j, Y, P":
# "ديسمبر 2, 2026, 2:06 ص") showed on staff pages. Day first and the 24-hour clock, as Moroccan
# administrations write them.
DATETIME_FORMAT = "j F Y، H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
