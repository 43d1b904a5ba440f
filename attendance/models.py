"""What the attendance app stores of its own: the certificates of participation issued.

A ``Certificate`` keeps the facts printed on it (``facts``) exactly as issued, so that the public
verification page (``attendance.certificates``) shows what the paper shows, even after the
workshop or the attendance is edited. Its ``code`` (128 random bits) is the only way to reach it.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_certificate_code():
    """A verification code: 128 random bits as 32 lower-case hexadecimal characters."""
    return secrets.token_hex(16)


class CertificateQuerySet(models.QuerySet):
    def valid(self):
        """Certificates not revoked."""
        return self.filter(revoked_at__isnull=True)


class Certificate(models.Model):
    """A certificate of participation issued to one participation.

    ``facts`` (JSON, as printed): ``name``, ``workshop``, ``start_date`` and ``end_date`` (ISO),
    ``place``, ``organizer``, ``partners`` (list of names), ``days`` (ISO dates attended) and
    ``sessions`` (the workshop's number of sessions). At most one certificate per participation
    is valid at a time; issuing again reuses it (``attendance.certificates.issue``).
    """

    code = models.CharField(
        _("verification code"), max_length=32, unique=True, default=new_certificate_code, editable=False
    )
    participation = models.ForeignKey(
        "workshops.Participation",
        on_delete=models.CASCADE,
        related_name="certificates",
        verbose_name=_("participation"),
    )
    facts = models.JSONField(_("facts as issued"), default=dict)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_by_name = models.CharField(_("issued by (user name at the time)"), max_length=150, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate of participation")
        verbose_name_plural = _("certificates of participation")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation"],
                condition=Q(revoked_at__isnull=True),
                name="attendance_certificate_one_valid_per_participation",
                violation_error_message=_("This participation already has a valid certificate."),
            ),
        ]

    def __str__(self):
        return f"{self.facts.get('name', '')} – {self.facts.get('workshop', '')}"

    @property
    def is_revoked(self):
        """Whether the certificate was revoked (it then proves nothing)."""
        return self.revoked_at is not None
