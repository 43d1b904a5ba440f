"""The check-in web app of a workshop (``/<lang>/staff/workshops/<slug>/checkin/``): the page, its
manifest and service worker, the roster a phone downloads and the batches it sends
(``attendance.checkin``, ``docs/checkin.md``).

Who: staff who may use the admin and hold ``workshops.view_participation`` and
``organizations.view_person`` (the roster shows names); phones only with
``organizations.view_personal_data``. Sending ticks needs ``attendance.checkin.may_record``,
walk-ins ``may_add_walk_ins``. The JSON endpoints answer a signed-out phone with 401 and a
forbidden one with 403 (never a redirect to the login page, which a phone would take for data).
"""

import hashlib
import json

from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from attendance import checkin
from organizations.privacy import private_download
from workshops.models import Workshop
from workshops.report_views import StaffReportMixin

# What the service worker keeps for the page to open without network (no personal data:
# the roster lives in IndexedDB, never in the worker's cache).
APP_FILES = (
    "vendor/bootstrap/bootstrap.rtl.min.css",
    "vendor/bootstrap/bootstrap.min.css",
    "css/site.css",
    "attendance/checkin.css",
    "attendance/fold.js",
    "attendance/checkin-store.js",
    "attendance/checkin.js",
    "attendance/checkin-icon.svg",
)


class CheckInAccessMixin(StaffReportMixin):
    """The check-in's rule of access (module docstring), and its workshop from the URL."""

    def test_func(self):
        return super().test_func() and self.request.user.has_perm("organizations.view_person")

    def workshop(self):
        return get_object_or_404(Workshop, slug=self.kwargs["slug"])


class CheckInPageView(CheckInAccessMixin, TemplateView):
    """The check-in page. It holds no personal data (the roster comes as JSON), so the service
    worker may keep it for use offline."""

    template_name = "attendance/checkin.html"

    def get_context_data(self, **kwargs):
        workshop = self.workshop()
        return super().get_context_data(
            workshop=workshop,
            sessions=workshop.sessions.order_by("position"),
            may_record=checkin.may_record(self.request.user),
            may_add_walk_ins=checkin.may_add_walk_ins(self.request.user),
            genders=checkin.Person.Gender.choices,
            strings=page_strings(),
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        get_token(request)  # the page carries the CSRF token its batches send
        return super().get(request, *args, **kwargs)


def page_strings():
    """The page's sentences that its script shows (``{name}``-style placeholders), translated."""
    return {
        "online": _("Online"),
        "offline": _("Offline: the marks stay on this phone"),
        "nothing": _("Nothing waits to be sent."),
        "sent": _("Sent."),
        "not_sent": _("Could not send: the phone will try again when the network returns."),
        "refused_batch": _("The server refused the batch: {errors}"),
        "copy": _("List downloaded {downloaded}; deleted from this phone {expires}."),
        "no_copy": _("No list on this phone yet: connect to the network to download it."),
        "expired": _("The list on this phone expired and was deleted: download it again."),
        "signed_out": _(
            "Signed out: the list was deleted from this phone. Sign in again to send what waits."
        ),
        "forbidden": _("You may not use the check-in of this workshop."),
        "present": pgettext("check-in mark", "Present"),
        "mark": _("Mark present"),
        "undo": _("Undo"),
        "checked_in": _("{name}: present."),
        "unmarked": _("{name}: mark undone."),
        "already": _("{name} was already marked present."),
        "unknown_code": _("No participant of this workshop has this code."),
        "none_found": _("No one found."),
        "too_many": _("{count} found: type more to narrow the list."),
        "cancelled": _("cancelled"),
        "pending": pgettext("participation status", "awaiting approval"),
        "walk_in": _("walk-in, not sent yet"),
        "walk_in_added": _("{name} added and marked present."),
        "walk_in_name": _("Type a first name or a last name."),
        "walk_in_contact": _("Type a phone or an e-mail."),
        "walk_in_phone": _("This phone number is not valid."),
        "refused": _("{name}: {message}"),
        "camera_failed": _("The camera could not be opened: type the code."),
        "logout_pending": _(
            "Not yet sent: {count}. Signing out deletes them from this phone. Sign out anyway?"
        ),
        "no_session": _("This workshop has no session."),
    }


class JsonAccessMixin(CheckInAccessMixin):
    """401 for a signed-out phone (the page then wipes its copy), 403 for a forbidden one."""

    def handle_no_permission(self):
        if not self.request.user.is_authenticated:
            return JsonResponse({"error": _("Signed out: sign in again."), "signed_out": True}, status=401)
        return JsonResponse({"error": _("You may not use the check-in of this workshop.")}, status=403)


@method_decorator(never_cache, name="dispatch")
class RosterView(JsonAccessMixin, View):
    """``roster.json``: the workshop's copy for the phone (``attendance.checkin.roster``),
    logged, never stored by a cache."""

    def get(self, request, *args, **kwargs):
        data = checkin.roster(self.workshop(), request.user)
        data["csrf_token"] = get_token(request)
        return private_download(JsonResponse(data))


class SyncView(JsonAccessMixin, View):
    """``sync`` (POST, JSON): apply a batch of ticks and walk-ins (``attendance.checkin``).
    200 with the outcome of each item and every mark of the workshop; 400 naming the bad items
    of a batch that is not what a phone sends (nothing saved); 403 without the rights."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        workshop = self.workshop()
        try:
            batch = checkin.parse_batch(json.loads(request.body or b"null"))
        except (ValueError, UnicodeDecodeError, RecursionError):
            # RecursionError: JSON nested deeper than Python's recursion limit; no phone sends it.
            return JsonResponse({"errors": [_("The batch is not valid JSON.")]}, status=400)
        except checkin.BatchError as exc:
            return JsonResponse({"errors": exc.errors}, status=400)
        allowed = checkin.may_add_walk_ins if batch.walk_ins else checkin.may_record
        if not allowed(request.user):
            return JsonResponse({"error": _("You may not record attendance.")}, status=403)
        outcomes = checkin.apply_batch(workshop, request.user, batch)
        return private_download(
            JsonResponse(
                {
                    "walk_ins": [o.as_dict() for o in outcomes["walk_ins"]],
                    "events": [o.as_dict() for o in outcomes["events"]],
                    "marks": checkin.marks_of(workshop),
                }
            )
        )


class ManifestView(CheckInAccessMixin, View):
    """The web app manifest of a workshop's check-in (installable on a phone's home screen)."""

    def get(self, request, *args, **kwargs):
        workshop = self.workshop()
        page = reverse("checkin:page", kwargs={"slug": workshop.slug})
        manifest = {
            "name": _("Check-in: %(workshop)s") % {"workshop": workshop.title},
            "short_name": _("Check-in"),
            "start_url": page,
            "scope": page,
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#212529",
            "lang": request.LANGUAGE_CODE,
            "dir": "rtl" if request.LANGUAGE_CODE == "ar" else "ltr",
            "icons": [
                {"src": static("attendance/checkin-icon.svg"), "sizes": "any", "type": "image/svg+xml"}
            ],
        }
        response = JsonResponse(manifest, json_dumps_params={"ensure_ascii": False})
        response["Content-Type"] = "application/manifest+json"
        return response


class ServiceWorkerView(CheckInAccessMixin, TemplateView):
    """The service worker, served from the page's folder so that its scope covers the page:
    the list of files to keep (their hashed names) and our static ``checkin-sw.js``."""

    template_name = "attendance/checkin_sw.js"
    content_type = "text/javascript"

    def get_context_data(self, **kwargs):
        workshop = self.workshop()
        page = reverse("checkin:page", kwargs={"slug": workshop.slug})
        files = [page, *(static(name) for name in APP_FILES)]
        return super().get_context_data(
            files=json.dumps(files),
            version=json.dumps(hashlib.sha256("\n".join(files).encode()).hexdigest()[:16]),
            worker_url=json.dumps(static("attendance/checkin-sw.js")),
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["Cache-Control"] = "no-cache"
        return response
