"""Middleware of the project's own."""

import auditlog.middleware
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.middleware.cache import FetchFromCacheMiddleware
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers

from config.client_ip import client_ip
from config.two_factor import must_verify


class PrivateWhenSignedInMiddleware:
    """Mark every response to a signed-in user ``Cache-Control: private`` (and ``Vary: Cookie``).

    Public pages are cached whole for visitors who are not signed in (Django's
    ``UpdateCacheMiddleware``, which never stores a private response). A signed-in member of
    staff sees things the public does not (the quick update form, links to the admin) and
    their pages must not be stored for anyone else, nor by a proxy. Sits after
    ``AuthenticationMiddleware``; reads ``request.user`` only when a session cookie came with
    the request, so an anonymous visitor's request does not touch the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ("Cookie",))
        return response


class FetchFromCacheForVisitorsMiddleware(FetchFromCacheMiddleware):
    """Django's ``FetchFromCacheMiddleware``, which answers only visitors who are not signed in.

    A page cached for the public has no staff links (``config.context_processors``); a
    signed-in user's request goes to the view, and ``PrivateWhenSignedInMiddleware`` keeps the
    answer out of the cache. Last in ``MIDDLEWARE`` (after ``AuthenticationMiddleware``); like
    it, reads ``request.user`` only when a session cookie came with the request.
    """

    def process_request(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            request._cache_update_cache = False
            return None
        return super().process_request(request)


class AuditlogMiddleware(auditlog.middleware.AuditlogMiddleware):
    """django-auditlog's middleware, with the client's address read as the lockout reads it
    (``config.client_ip``): auditlog's own takes the left-most ``X-Forwarded-For``, which the
    client writes. The port is not recorded: ``X-Forwarded-Port`` is the client's to forge too."""

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        return None


class TwoFactorMiddleware:
    """Send every request of a session that must still pass a one-time code to the two-factor
    page (``config.two_factor``), whatever the page: the admin, the reports, the quick follow-up
    form, exports, and any staff page added later. Only that page, logging out, the language
    switch and the health check stay open. Sits after ``OTPMiddleware``; like
    ``PrivateWhenSignedInMiddleware``, reads ``request.user`` only when a session cookie came
    with the request, so that anonymous visitors' pages stay cacheable.
    """

    OPEN_VIEWS = frozenset({"admin:two_factor", "admin:logout", "set_language", "healthz"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        if request.resolver_match.view_name in self.OPEN_VIEWS or not must_verify(request.user):
            return None
        return redirect_to_login(request.get_full_path(), reverse("admin:two_factor"))
