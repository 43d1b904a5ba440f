"""Public registration pages (form, confirmation, communes of a province) and the staff's link
and QR code of a workshop's form.

The form and the confirmation are never stored by the page cache, a proxy or the browser
(``no-store``) and ask search engines not to index them (``X-Robots-Tag``): the confirmation
holds a personal pass, the form a CSRF token. The pass reaches the confirmation through the
visitor's session, never through the address (which browsers keep in their history and send
as the referrer).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from regions.models import Commune, localized
from registrations.consent import CONSENT_VERSION, consent_paragraphs, consent_text
from registrations.forms import RegistrationForm
from registrations.qr import qr_png, qr_svg, qr_svg_file
from registrations.rules import RegistrationClosed, closes_at, register, why_closed
from registrations.throttle import too_many_submissions
from workshops.models import Workshop

SESSION_KEY = "registration_passes"


def _private(response):
    """``response`` kept out of every cache and search engine. Returns it."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _workshop(slug):
    """The workshop of ``slug`` whose staff opened registration; 404 otherwise (a workshop that
    never took registrations, perhaps unpublished, is not revealed)."""
    workshop = Workshop.objects.select_related("organizer").filter(slug=slug, registration_open=True).first()
    if workshop is None:
        raise Http404
    return workshop


def _form_page(request, workshop, form, status=200, problem=None):
    context = {
        "workshop": workshop,
        "form": form,
        "closes_at": closes_at(workshop),
        "consent_paragraphs": consent_paragraphs(workshop),
        "problem": problem,
        "communes_url": reverse("registrations:communes", kwargs={"province": 0}),
    }
    return _private(render(request, "registrations/register.html", context, status=status))


@require_http_methods(["GET", "HEAD", "POST"])
def register_view(request, slug):
    """The form (GET); a submission (POST) records the registration and leads to the
    confirmation, or shows the form again with what to fix (400), with the reason the workshop
    closed meanwhile (409), or asks a client past the rate limit to wait (429)."""
    workshop = _workshop(slug)
    reason = why_closed(workshop)
    if reason is not None:
        return _private(
            render(request, "registrations/closed.html", {"workshop": workshop, "reason": reason})
        )
    if request.method != "POST":
        return _form_page(request, workshop, RegistrationForm())
    form = RegistrationForm(request.POST)
    if too_many_submissions(request):
        problem = _("Too many registrations were sent from your connection. Please try again in an hour.")
        return _form_page(request, workshop, form, status=429, problem=problem)
    if not form.is_valid():
        problem = _("Your registration could not be recorded.") if form.caught_robot else None
        return _form_page(request, workshop, form, status=400, problem=problem)
    try:
        outcome = register(
            workshop,
            form.applicant(),
            language=get_language(),
            consent_text=consent_text(workshop),
            consent_version=CONSENT_VERSION,
        )
    except RegistrationClosed as closed:
        return _form_page(request, workshop, form, status=409, problem=str(closed))
    passes = request.session.get(SESSION_KEY, {})
    # The form sent twice from one browser (reloaded, or the back button): the code this browser
    # received first stays, rather than the unsaved one a repeat gets.
    if outcome.recorded or str(workshop.pk) not in passes:
        passes[str(workshop.pk)] = {
            "token": outcome.pass_token,
            "pending": outcome.pending,
            "name": f"{form.cleaned_data['first_name']} {form.cleaned_data['last_name']}",
        }
        request.session[SESSION_KEY] = passes
    return _private(redirect("registrations:done", slug=workshop.slug))


@require_GET
def done_view(request, slug):
    """The confirmation: the personal code as a QR code and in text, and the name as typed."""
    workshop = Workshop.objects.select_related("organizer").filter(slug=slug).first()
    entry = request.session.get(SESSION_KEY, {}).get(str(workshop.pk)) if workshop else None
    if entry is None:
        if workshop is None:
            raise Http404
        return _private(redirect("registrations:register", slug=workshop.slug))
    token = entry["token"]
    context = {
        "workshop": workshop,
        "name": entry["name"],
        "pending": entry["pending"],
        "code_groups": [token[i : i + 4] for i in range(0, len(token), 4)],
        "qr": qr_svg(token, label=_("Your personal code as a QR code")),
    }
    return _private(render(request, "registrations/done.html", context))


@require_GET
def communes_view(request, province):
    """``{"communes": [[id, name], …]}``: the communes of a province in the active language,
    by name (public reference data, no personal data; cached for a day)."""
    # An id past the database's integers names no province (SQLite would overflow, not answer).
    communes = Commune.objects.filter(province_id=province) if province < 2**31 else Commune.objects.none()
    rows = sorted(([commune.pk, localized(commune, "name")] for commune in communes), key=lambda row: row[1])
    response = JsonResponse({"communes": rows})
    patch_cache_control(response, public=True, max_age=86400)
    return response


def staff_workshop_view(view):
    """Decorate ``view(request, workshop, **kwargs)`` into a view of ``(request, pk, **kwargs)``
    for staff who may see workshops: the login page for anyone not signed in, 403 for those
    signed in without the permission, 404 for no such workshop; the response is private."""

    @wraps(view)
    def checked(request, pk, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not (request.user.is_staff and request.user.has_perm("workshops.view_workshop")):
            raise PermissionDenied
        workshop = get_object_or_404(Workshop.objects.select_related("organizer"), pk=pk)
        response = view(request, workshop, **kwargs)
        patch_cache_control(response, private=True)
        return response

    return checked


def public_link(request, workshop):
    """The absolute address of ``workshop``'s form without a language prefix: each visitor's
    browser language picks the form's (``LocaleMiddleware`` redirects), and the QR code is shorter."""
    prefixed = reverse("registrations:register", kwargs={"slug": workshop.slug})
    return request.build_absolute_uri("/" + prefixed.lstrip("/").split("/", 1)[1])


@require_GET
@staff_workshop_view
def link_view(request, workshop):
    """Staff: the workshop's public registration link and its QR code, to print or download."""
    link = public_link(request, workshop)
    context = {
        "workshop": workshop,
        "link": link,
        "qr": qr_svg(link, label=_("QR code of the registration link")),
        "reason": why_closed(workshop),
    }
    return render(request, "registrations/link.html", context)


@require_GET
@staff_workshop_view
def link_qr_view(request, workshop, fmt):
    """Staff: the QR code of the workshop's registration link as a file, ``fmt`` "png" or "svg"."""
    link = public_link(request, workshop)
    if fmt == "png":
        response = HttpResponse(qr_png(link), content_type="image/png")
    elif fmt == "svg":
        response = HttpResponse(qr_svg_file(link), content_type="image/svg+xml")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="registration-{workshop.pk}.{fmt}"'
    return response
