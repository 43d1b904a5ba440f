"""Arabic number and date formats for Morocco, over Django's own ``ar`` locale.

Moroccan Arabic texts write Western digits; thousands are grouped by three, as in French, with a
narrow no-break space (so a number never breaks across lines), and the decimal separator is a comma.
"""

from django.conf.locale.ar.formats import *  # noqa: F403

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u202f"
NUMBER_GROUPING = 3
