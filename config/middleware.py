"""Middleware of the project's own."""

from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers


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
