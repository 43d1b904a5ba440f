"""Error pages (400, 403, 404, 500 and a refused form) in the language of the URL's prefix.

Set as ``handler400`` … ``handler500`` in ``config/urls.py`` and as ``CSRF_FAILURE_VIEW``.
Each page shows the request's id (``config.request_id``), which a user can quote to staff: the
log line with the traceback carries the same id.

An error can be raised before ``LocaleMiddleware`` has activated the page's language (a
request refused by ``RejectNulMiddleware``), so each view picks the language from the path
itself. The 500 page is rendered without context processors or anything that may query the
database: the database may be what failed.
"""

import logging

from django.http import (
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader
from django.utils import translation
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

# Sent when even the 500 template cannot be rendered (a broken template or static manifest).
BARE_SERVER_ERROR = "Server error (500). Reference: {request_id}\n"


def page_language(request):
    """The language of ``request``'s page: its URL prefix (``/fr/…``), else the language already
    active (from ``LocaleMiddleware``), else ``settings.LANGUAGE_CODE``."""
    return translation.get_language_from_path(request.path_info) or translation.get_language()


def render_error(request, template_name, response_class):
    """``template_name`` rendered for ``request`` in its page's language, with context
    processors (the page extends ``base.html``), as a ``response_class`` response."""
    with translation.override(page_language(request)):
        body = loader.render_to_string(template_name, {"request_id": request_id(request)}, request)
    return response_class(body)


def request_id(request):
    """The id ``RequestIdMiddleware`` gave ``request`` (str), or "" outside that middleware."""
    return getattr(request, "request_id", "")


def bad_request(request, exception):
    """400: the address or form cannot be read (a NUL byte, a malformed upload, …)."""
    return render_error(request, "400.html", HttpResponseBadRequest)


def permission_denied(request, exception):
    """403: signed in, but without the right to see this page. The exception's message is
    not shown: it may say more than the visitor may know."""
    return render_error(request, "403.html", HttpResponseForbidden)


def page_not_found(request, exception):
    """404: nothing (published) at this address."""
    return render_error(request, "404.html", HttpResponseNotFound)


@requires_csrf_token
def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: a form refused because its CSRF token or cookie is missing or
    stale (``reason`` is logged by Django, not shown)."""
    return render_error(request, "403_csrf.html", HttpResponseForbidden)


def server_error(request):
    """500: rendered with no context processors and no database query, in the page's
    language; a bare text answer when even that fails."""
    context = {"request_id": request_id(request)}
    try:
        with translation.override(page_language(request)):
            context["LANGUAGE_CODE"] = translation.get_language()
            context["LANGUAGE_BIDI"] = translation.get_language_bidi()
            body = loader.render_to_string("500.html", context)
    except Exception:
        logger.exception("The 500 page could not be rendered")
        return HttpResponseServerError(
            BARE_SERVER_ERROR.format(request_id=context["request_id"]), content_type="text/plain"
        )
    return HttpResponseServerError(body)
