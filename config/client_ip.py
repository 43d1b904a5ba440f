"""The client's address, as the lockout (django-axes) and the audit trail (django-auditlog) both
record it.

Behind ``DJANGO_PROXY_COUNT`` reverse proxies, each of which appends the address it received the
request from to ``X-Forwarded-For`` (nginx: ``$proxy_add_x_forwarded_for``), the client is the
N-th address from the right: whatever lies further left was written by the client and may be
forged. With no proxy the header is ignored and ``REMOTE_ADDR`` is the client.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The client's IP address (a string such as ``"203.0.113.9"`` or ``"2001:db8::1"``).

    Reads ``settings.PROXY_COUNT`` (a whole number, 0 when nothing stands in front of the
    application server). Falls back to ``REMOTE_ADDR`` (the nearest proxy) when the header
    holds fewer addresses than there are proxies or the trusted entry is not an address, so a
    request that bypassed the proxies never picks its own address. None without ``REMOTE_ADDR``.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    return _address(forwarded[-proxies]) or remote


def _address(value):
    """``value`` as a normalised IP address, without a port (``1.2.3.4:80``, ``[::1]:80``);
    None when it is not an address."""
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None
