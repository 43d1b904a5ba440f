"""Certificates of participation: who gets one, issuing them, the PDF and the verification.

A participation gets a certificate when it meets the completion rule (``workshops.completion``:
2 of 3 sessions with the default 66 %), is not cancelled or a no-show, and its person is not
erased. Issuing stores a ``Certificate`` with the facts printed (``facts``) and a verification
code; issuing again for the same participation reuses its code (the facts are brought up to
date) unless it was revoked, when a new code is made.

The PDF (WeasyPrint, like the sign-in sheet: ``templates/certificates/certificates.html`` and
``static/css/certificate.css``) has one A4 landscape page per certificate, French on the left
and Arabic (right to left, shaped by Pango/HarfBuzz) on the right, whatever the active language,
and the verification address with its QR code. The public page (``attendance.views.verify``)
shows what the certificate shows, found by its code only.

CERTIFICATES NAME PEOPLE: issued by staff only, and every issue is logged
(``organizations.ExportLog``, kind "certificates").
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from attendance.models import Certificate
from organizations.models import ExportLog, Organization
from workshops.completion import sessions_required
from workshops.models import Attendance, Participation, Session

STYLESHEET = "css/certificate.css"
# What a code looks like (``attendance.models.new_certificate_code``).
CODE_PATTERN = re.compile(r"[0-9a-f]{32}")
# Statuses that never get a certificate, whatever the marks say.
# Registrations awaiting approval or refused are not participants yet, whatever marks a phone sent.
NOT_ELIGIBLE = (
    Participation.Status.CANCELLED,
    Participation.Status.NO_SHOW,
    Participation.Status.PENDING,
    Participation.Status.REFUSED,
)


def completes(participation, days, sessions):
    """Whether ``participation`` (person loaded), present at ``days`` (int) of the workshop's
    ``sessions`` (int), may have a certificate: the rule of ``eligible`` for one row in memory."""
    return (
        sessions > 0
        and participation.status not in NOT_ELIGIBLE
        and participation.person.erased_at is None
        and days >= sessions_required(sessions)
    )


def eligible(workshop):
    """The participations of ``workshop`` that meet the completion rule, by name (a QuerySet,
    person and organisation selected, ``days`` annotated: sessions attended). Empty when the
    workshop has no sessions."""
    sessions = workshop.sessions.count()
    if not sessions:
        return Participation.objects.none()
    return (
        workshop.participations.exclude(status__in=NOT_ELIGIBLE)
        .filter(person__erased_at__isnull=True)
        .annotate(days=Count("attendances"))
        .filter(days__gte=sessions_required(sessions))
        .select_related("person", "workshop__organizer")
        .order_by("person__last_name", "person__first_name", "pk")
    )


def partners_of(workshop):
    """Names of the organisations named beside the organiser: the workshop's partners (every
    role) and its project's funders, each once, by name; the organiser left out. Two queries."""
    names = {p.organization.name for p in workshop.partnerships.select_related("organization")}
    if workshop.project_id:
        names.update(
            Organization.objects.filter(funded_projects=workshop.project_id).values_list("name", flat=True)
        )
    names.discard(workshop.organizer.name)
    return sorted(names)


def workshop_facts(workshop):
    """The facts every certificate of ``workshop`` shares (a dict of str, list and int)."""
    return {
        "workshop": workshop.title,
        "start_date": workshop.start_date.isoformat(),
        "end_date": workshop.end_date.isoformat(),
        "place": ", ".join(part for part in (workshop.venue, workshop.city) if part),
        "organizer": workshop.organizer.name,
        "partners": partners_of(workshop),
        "sessions": workshop.sessions.count(),
    }


def days_attended(participations):
    """``{participation pk: [ISO date, ...]}`` of the distinct days each of ``participations``
    (a list) was marked present, in date order. One query."""
    days = {p.pk: set() for p in participations}
    marks = Attendance.objects.filter(participation__in=list(days)).values_list(
        "participation", "session__date"
    )
    for pk, date in marks:
        days[pk].add(date.isoformat())
    return {pk: sorted(dates) for pk, dates in days.items()}


def issue(participations, *, user=None, username=""):
    """Issue (or issue again) a certificate to each of ``participations`` (a list of one
    workshop's eligible participations, person selected). Returns the ``Certificate`` list in
    the same order. ``user``: who issues (None from the command line, then ``username``).

    A valid certificate of the participation keeps its code; its facts, time and issuer are
    updated. Runs in one transaction; a concurrent issue of the same participation is retried
    once (the database allows one valid certificate per participation)."""
    if not participations:
        return []
    try:
        return _issue(participations, user, username)
    except IntegrityError:
        return _issue(participations, user, username)


@transaction.atomic
def _issue(participations, user, username):
    shared = workshop_facts(participations[0].workshop)
    days = days_attended(participations)
    now = timezone.now()
    by = {"issued_by": user if user is not None and user.is_authenticated else None}
    by["issued_by_name"] = (username or (user.get_username() if user is not None else ""))[:150]
    existing = {
        c.participation_id: c
        for c in Certificate.objects.valid().select_for_update().filter(participation__in=participations)
    }
    certificates, new, updated = [], [], []
    for participation in participations:
        facts = {"name": participation.person.full_name, **shared, "days": days[participation.pk]}
        certificate = existing.get(participation.pk)
        if certificate is None:
            certificate = Certificate(participation=participation, facts=facts, issued_at=now, **by)
            new.append(certificate)
        else:
            certificate.facts, certificate.issued_at = facts, now
            certificate.issued_by, certificate.issued_by_name = by["issued_by"], by["issued_by_name"]
            updated.append(certificate)
        certificates.append(certificate)
    Certificate.objects.bulk_create(new)
    fields = ["facts", "issued_at", "issued_by", "issued_by_name"]
    Certificate.objects.bulk_update(updated, fields)
    return certificates


def find(code):
    """The certificate of verification ``code`` (any str from a URL), or None: for a code that
    is malformed, unknown, or whose person was erased. A revoked certificate is returned (its
    page says so). One query in every case, so a malformed code answers like an unknown one."""
    code = code if CODE_PATTERN.fullmatch(code) else ""
    return (
        Certificate.objects.filter(code=code, participation__person__erased_at__isnull=True)
        .only("code", "facts", "issued_at", "revoked_at", "participation_id")
        .first()
    )


def still_holds(certificate):
    """Whether the participation ``certificate`` attests still meets the completion rule
    (``completes``): not cancelled, refused or a no-show since, attendance not corrected below
    the rule. A certificate is a photograph of the day it was issued; its check page must not
    go on calling it genuine after staff corrected the facts behind it. Two queries."""
    participation = (
        Participation.objects.filter(pk=certificate.participation_id)
        .select_related("person")
        .annotate(days=Count("attendances"))
        .first()
    )
    if participation is None:
        return False
    sessions = Session.objects.filter(workshop_id=participation.workshop_id).count()
    return completes(participation, participation.days, sessions)


def verification_path(certificate):
    """The verification page's path without a language prefix (``/certificates/<code>/``): the
    visitor is sent on to the page in their browser's language (``LocaleMiddleware``)."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("attendance:verify", args=[certificate.code])
    return "/" + path.lstrip("/").split("/", 1)[1]


@dataclass
class Printed:
    """A certificate as the template draws it: the stored ``facts`` with dates as dates."""

    certificate: Certificate
    url: str
    qr_svg: str

    @property
    def facts(self):
        return self.certificate.facts

    @property
    def start_date(self):
        return dt.date.fromisoformat(self.facts["start_date"])

    @property
    def end_date(self):
        return dt.date.fromisoformat(self.facts["end_date"])

    @property
    def days(self):
        return [dt.date.fromisoformat(day) for day in self.facts["days"]]


def qr_svg(text):
    """``text`` as a QR code, an ``<svg>`` element (str) without XML declaration."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(text, image_factory=SvgPathImage, border=0)
    svg = image.to_string(encoding="unicode").split("?>", 1)[-1].strip()
    # Every page holds one: the same id on each would be defined many times in the PDF. The
    # stylesheet sizes it (the library sets 1 mm a module).
    svg = svg.replace(' id="qr-path"', "")
    return re.sub(r'^<svg width="[^"]*" height="[^"]*"', '<svg width="26mm" height="26mm"', svg)


def certificates_html(certificates, base_url):
    """The certificates (a list of ``Certificate``) as one HTML document, a page each;
    ``base_url`` (``https://host``, no slash at the end) starts the verification address."""
    printed = []
    for certificate in certificates:
        url = base_url + verification_path(certificate)
        printed.append(Printed(certificate, url, qr_svg(url)))
    return render_to_string("certificates/certificates.html", {"certificates": printed})


def render_certificates(certificates, base_url):
    """The certificates as PDF bytes (one A4 landscape page each). Raises OSError when Pango is
    missing (see ``attendance.signin``)."""
    from weasyprint import CSS, HTML

    from attendance.signin import _refuse_fetch

    html = certificates_html(certificates, base_url)
    stylesheet = CSS(filename=finders.find(STYLESHEET))
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(stylesheets=[stylesheet])


@transaction.atomic
def make_certificates(participations, base_url, *, user=None, username=""):
    """Issue the certificates of ``participations`` (one workshop's, eligible) and render them
    as one PDF, in one transaction: nothing is issued when the PDF cannot be made. Not logged
    (``export_certificates`` logs; a job logs each download). Returns ``(pdf bytes,
    certificates)``."""
    certificates = issue(participations, user=user, username=username)
    return render_certificates(certificates, base_url), certificates


@transaction.atomic
def export_certificates(participations, base_url, *, user=None, username="", channel=ExportLog.Channel.ADMIN):
    """Issue the certificates of ``participations`` (one workshop's, eligible), render them as
    one PDF and log the export (personal data: names), in one transaction: nothing is issued or
    logged when the PDF cannot be made. Returns ``(pdf bytes, certificates)``."""
    pdf, certificates = make_certificates(participations, base_url, user=user, username=username)
    ExportLog.record(
        kind=ExportLog.Kind.CERTIFICATES,
        file_format="pdf",
        user=user,
        username=username,
        workshop=participations[0].workshop,
        rows=len(certificates),
        channel=channel,
        personal_data=True,
    )
    return pdf, certificates
