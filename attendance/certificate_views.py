"""The certificate pages: the public verification page (``attendance:verify``, reached only with
a certificate's code) and the staff downloads of certificates (on the workshop's admin page:
``admin:workshops_workshop_certificates`` for all of a workshop, one PDF, and
``admin:workshops_workshop_certificate`` for one participation)."""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from attendance import certificates
from config.client_ip import client_ip
from jobs.models import Job
from jobs.tasks import start as start_job
from organizations.privacy import personal_data_download
from workshops.completion import sessions_required
from workshops.models import Workshop

PDF = "application/pdf"


def _too_many_checks(request):
    """Count this check against the client's address; True past
    ``settings.CERTIFICATE_CHECKS_PER_MINUTE`` in the current minute (guessing codes is hopeless
    anyway at 128 bits; this keeps a scraper from trying)."""
    key = f"certificate-checks:{client_ip(request)}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        count = 1
    return count > settings.CERTIFICATE_CHECKS_PER_MINUTE


def _private(response):
    """Keep ``response`` out of every cache and index, and its address out of Referer headers."""
    patch_cache_control(response, no_store=True, private=True, max_age=0)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def verify(request, code):
    """``/<lang>/certificates/<code>/``: whether the certificate of ``code`` is genuine, with what
    it shows (name, workshop, dates, place, organiser, partners, days attended), or that it was
    revoked, or that it no longer holds (``certificates.still_holds``: the participation was
    cancelled or its attendance corrected since; then nothing else either). A malformed,
    unknown or erased person's code is a plain 404;
    more than ``CERTIFICATE_CHECKS_PER_MINUTE`` checks a minute from one address, a 429."""
    if _too_many_checks(request):
        response = HttpResponse(
            _("Too many checks from your address: wait a minute, then try again."),
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "60"
        return _private(response)
    certificate = certificates.find(code)
    if certificate is None:
        raise Http404
    context = {
        "printed": certificates.Printed(certificate, "", ""),
        "certificate": certificate,
        "holds": certificate.is_revoked or certificates.still_holds(certificate),
    }
    response = TemplateResponse(request, "certificates/certificate_detail.html", context)
    return _private(response)


def _download(request, workshop, participations, filename):
    """The certificates of ``participations`` as one PDF named ``filename``, issued and logged;
    a 409 saying why when nobody meets the completion rule."""
    if not participations:
        sessions = workshop.sessions.count()
        message = _(
            "No certificate: a participant must have attended %(required)s of the %(sessions)s sessions "
            "of this workshop."
        ) % {"required": sessions_required(sessions) if sessions else 1, "sessions": sessions}
        return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")
    base_url = request.build_absolute_uri("/").rstrip("/")
    pdf, _issued = certificates.export_certificates(participations, base_url, user=request.user)
    response = HttpResponse(pdf, content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@personal_data_download
def workshop_certificates(request, pk):
    """All the certificates of workshop ``pk`` (every participation meeting the completion
    rule) as one PDF; more than ``settings.CERTIFICATES_JOB_THRESHOLD`` of them are made by a
    background job (``attendance.job_runners``), and this redirects to its progress page.
    Personal data: ``organizations.privacy.personal_data_download``."""
    workshop = get_object_or_404(Workshop.objects.select_related("organizer"), pk=pk)
    participations = list(certificates.eligible(workshop))
    if len(participations) > settings.CERTIFICATES_JOB_THRESHOLD:
        job = start_job(
            request.user,
            Job.Kind.CERTIFICATES,
            parameters={"workshop": workshop.pk, "base_url": request.build_absolute_uri("/").rstrip("/")},
            description=workshop.title,
            file=(f"certificates-{workshop.pk}.pdf", "pdf", PDF),
        )
        return redirect(job)
    return _download(request, workshop, participations, f"certificates-{workshop.pk}.pdf")


@personal_data_download
def participation_certificate(request, pk, participation):
    """The certificate of one participation (``participation``, a pk) of workshop ``pk``, as PDF;
    409 when it does not meet the completion rule, 404 when it is not of this workshop."""
    workshop = get_object_or_404(Workshop.objects.select_related("organizer"), pk=pk)
    if not workshop.participations.filter(pk=participation).exists():
        raise Http404
    chosen = list(certificates.eligible(workshop).filter(pk=participation))
    return _download(request, workshop, chosen, f"certificate-{workshop.pk}-{participation}.pdf")
