"""A limit on public registrations per client address, against a robot filling the form in a loop.

The client's address is read as the login lockout reads it (``config.client_ip``). Counts live
in the default cache (files on SQLite, the database table on PostgreSQL: shared by every worker),
under a keyed digest of the address, so that the cache holds no address in clear.
"""

import hmac

from django.conf import settings
from django.core.cache import cache

from config.client_ip import client_ip


def _key(request):
    address = client_ip(request) or "unknown"
    digest = hmac.digest(settings.SECRET_KEY.encode(), address.encode(), "sha256").hex()[:32]
    return f"registrations:submissions:{digest}"


def too_many_submissions(request):
    """Count one submission of the registration form from ``request``'s client address and
    return True when it is past ``REGISTRATION_RATE_LIMIT`` submissions within
    ``REGISTRATION_RATE_WINDOW`` seconds (counted from the first of them)."""
    key = _key(request)
    cache.add(key, 0, timeout=settings.REGISTRATION_RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.REGISTRATION_RATE_WINDOW)
        count = 1
    return count > settings.REGISTRATION_RATE_LIMIT
