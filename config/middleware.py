"""Middleware of the project's own."""

from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers

from config.errors import bad_request


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


def request_texts(request):
    """Every text a visitor chooses in ``request`` (iterator of str): the path, the query
    string's names and values (percent-decoded), cookies, headers, and a posted form's names
    and values (which ``CsrfViewMiddleware`` reads next anyway; Django's upload parser already
    strips NUL from file names)."""
    yield request.path_info
    queries = [request.GET]
    if request.method == "POST":
        queries.append(request.POST)
    for query in queries:
        for name, values in query.lists():
            yield name
            yield from values
    for name, value in request.COOKIES.items():
        yield name
        yield value
    yield from (value for name, value in request.META.items() if name.startswith("HTTP_"))


class RejectNulMiddleware:
    """Answer 400 Bad Request (the translated 400 page) to a request holding a NUL character.

    No page has a use for one, and PostgreSQL text cannot hold it: a slug, a filter value, a
    session cookie or a login name with ``%00`` in it would reach a query and end in a 500
    (``DataError``). Early in ``MIDDLEWARE``, before anything reads the session or the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in text for text in request_texts(request) if isinstance(text, str)):
            # Answered rather than raised: Django logs the 400 in one line, without the
            # traceback that a raised BadRequest would add for every probe of a scanner.
            return bad_request(request, None)
        return self.get_response(request)
