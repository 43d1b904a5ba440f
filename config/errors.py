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
from django.utils.translation import gettext_lazy as _
from django.views.debug import ExceptionReporter
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

# Sent when even the 500 template cannot be rendered (a broken template or static manifest).
BARE_SERVER_ERROR = "Server error (500). Reference: {request_id}\n"


def page_language(request):
    """The language of ``request``'s page: its URL prefix (``/fr/…``), else the language already
    active (from ``LocaleMiddleware``), else ``settings.LANGUAGE_CODE``."""
    return translation.get_language_from_path(request.path_info) or translation.get_language()


def request_id(request):
    """The id ``RequestIdMiddleware`` gave ``request`` (str), or "" outside that middleware."""
    return getattr(request, "request_id", "")


def render_error(request, heading, message, response_class):
    """``templates/error.html`` with ``heading`` and ``message`` (lazy translations), rendered
    for ``request`` in its page's language with context processors (the page extends
    ``base.html``), as a ``response_class`` response."""
    with translation.override(page_language(request)):
        context = {"heading": str(heading), "message": str(message), "request_id": request_id(request)}
        body = loader.render_to_string("error.html", context, request)
    return response_class(body)


def bad_request(request, exception):
    """400: the address or form cannot be read (a NUL character, a malformed upload, …)."""
    message = _(
        "This address or form holds something the site cannot read, such as a character that "
        "has no place in it. Check the address, or go back and try again."
    )
    return render_error(request, _("Bad request"), message, HttpResponseBadRequest)


def permission_denied(request, exception):
    """403: signed in, but without the right to see this page. The exception's message is
    not shown: it may say more than the visitor may know."""
    message = _(
        "You do not have the right to see this page. If you work with the team, sign in with an "
        "account that has this right, or ask a manager to give it to you."
    )
    return render_error(request, _("Access denied"), message, HttpResponseForbidden)


def page_not_found(request, exception):
    """404: nothing (published) at this address."""
    message = _("There is no page at this address. It may have been moved or taken off the public site.")
    return render_error(request, _("Page not found"), message, HttpResponseNotFound)


@requires_csrf_token
def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: a form refused because its CSRF token or cookie is missing or
    stale (``reason`` is logged by Django, not shown)."""
    message = _(
        "The form was refused because it had expired or your browser did not send this site's "
        "security cookie. Go back, reload the page and send the form again; cookies must be "
        "allowed for this site."
    )
    return render_error(request, _("Form not sent"), message, HttpResponseForbidden)


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


# Request headers and server variables an e-mailed error report keeps; every other value is
# replaced (client address, referrer with its query, cookies, forwarded addresses…).
REPORTED_META = {
    "REQUEST_METHOD",
    "PATH_INFO",
    "SERVER_NAME",
    "SERVER_PORT",
    "CONTENT_TYPE",
    "CONTENT_LENGTH",
    "HTTP_HOST",
    "HTTP_USER_AGENT",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_X_REQUEST_ID",
}


class PrivateExceptionReporter(ExceptionReporter):
    """The report of a server error e-mailed to ``ADMINS``: the traceback's files, lines and
    code, the exception, the path and method, the user name, and no value the request carried
    or a frame held. A frame's variables, the query, posted fields, uploaded file names and
    cookies may hold participants' names and phones (Law 09-08), and e-mail leaves the server:
    their names are kept, their values replaced. The journal keeps only the plain traceback."""

    def get_traceback_frames(self):
        return [{**frame, "vars": []} for frame in super().get_traceback_frames()]

    def get_traceback_data(self):
        data = super().get_traceback_data()
        hidden = self.filter.cleansed_substitute
        data["filtered_POST_items"] = [(name, hidden) for name, _value in data["filtered_POST_items"]]
        data["request_COOKIES_items"] = [(name, hidden) for name, _value in data["request_COOKIES_items"]]
        data["request_meta"] = {
            name: value if name in REPORTED_META else hidden for name, value in data["request_meta"].items()
        }
        if self.request is not None:
            data["request_GET_items"] = [(name, hidden) for name in self.request.GET]
            data["request_FILES_items"] = [(name, hidden) for name in self.request.FILES]
            data["request_insecure_uri"] = self.request.path
        return data
