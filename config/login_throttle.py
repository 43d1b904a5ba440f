"""A slower lock per username, against password spraying from many addresses.

django-axes locks a username on one address after ``AXES_FAILURE_LIMIT`` failures
(``AXES_LOCKOUT_PARAMETERS``: username and address together, so that nobody locks a colleague
out from elsewhere). An attacker with many addresses could still try 5 passwords from each. So,
once a username has ``LOGIN_SPRAY_LIMIT`` failures from all addresses within the axes cool-off
(``AXES_COOLOFF_TIME`` hours), it may be tried only from an address where its owner signed in
successfully in the last ``KNOWN_ADDRESS_DAYS`` days, until the failures age out: the owner keeps
signing in at the office, and the attacker stops at 20 guesses an hour. The counts are axes' own
records (``AccessAttempt``, ``AccessLog``): nothing else to store or to clean.
"""

import datetime

from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

KNOWN_ADDRESS_DAYS = 30


def spraying_suspected(username, address):
    """True when a login for ``username`` (a string) from ``address`` (an IP string or None)
    must be refused without checking the password: too many failures for that username from
    everywhere, and no recent successful login by it from this address."""
    if not username:
        return False
    now = timezone.now()
    window = datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    failures = AccessAttempt.objects.filter(username=username, attempt_time__gte=now - window).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    if (failures or 0) < settings.LOGIN_SPRAY_LIMIT:
        return False
    known = AccessLog.objects.filter(
        username=username,
        ip_address=address,
        attempt_time__gte=now - datetime.timedelta(days=KNOWN_ADDRESS_DAYS),
    )
    return address is None or not known.exists()
