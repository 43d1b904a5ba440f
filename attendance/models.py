"""What the attendance app stores of its own.

- What the check-in phones sent (``attendance.checkin``): every tick and untick as a dated
  event, and every walk-in recorded on a phone. Attendance marks themselves stay
  ``workshops.Attendance``: the state these events lead to, kept in step in the same transaction.
- The certificates of participation issued: a ``Certificate`` keeps the facts printed on it
  (``facts``) exactly as issued, so that the public verification page
  (``attendance.certificates``) shows what the paper shows, even after the workshop or the
  attendance is edited. Its ``code`` (128 random bits) is the only way to reach it.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SentFromAPhone(models.Model):
    """What every item a check-in phone sends records: when the server received it, from whom
    (the signed-in staff member) and from which phone (the identifier the page made)."""

    received_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    device_id = models.CharField(_("phone identifier"), max_length=64, blank=True)

    class Meta:
        abstract = True


class CheckInEvent(SentFromAPhone):
    """One tick (``present`` True) or untick (False) of a participation for a session, made on a
    phone at ``device_time`` and identified by ``event_id``, a UUID the phone made
    (``crypto.randomUUID``): the same event sent twice is stored once (a unique constraint).

    The state of a (participation, session) pair is the ``present`` of its latest event, by
    ``device_time`` then ``event_id`` (``CheckInEventQuerySet.latest_first``), whatever order
    the phones' batches arrive in. An undo is an event, never a deletion.
    """

    event_id = models.UUIDField(_("event identifier"), editable=False)
    participation = models.ForeignKey(
        "workshops.Participation",
        on_delete=models.CASCADE,
        related_name="checkin_events",
        verbose_name=_("participation"),
    )
    session = models.ForeignKey(
        "workshops.Session",
        on_delete=models.CASCADE,
        related_name="checkin_events",
        verbose_name=_("session"),
    )
    present = models.BooleanField(_("present"))
    device_time = models.DateTimeField(_("time on the phone"))

    class Meta:
        verbose_name = _("check-in event")
        verbose_name_plural = _("check-in events")
        ordering = ["-device_time", "-event_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_id"],
                name="attendance_checkinevent_unique_event",
                violation_error_message=_("This check-in event was already received."),
            ),
        ]
        indexes = [
            # The latest event of a (participation, session) pair: the mark it leaves.
            models.Index(
                fields=["participation", "session", "-device_time", "-event_id"],
                name="attendance_checkin_latest",
            ),
        ]

    def __str__(self):
        return f"{self.event_id} ({'+' if self.present else '-'})"


class CheckInWalkIn(SentFromAPhone):
    """A person added on a check-in phone (a walk-in), identified by the UUID the phone made
    (``walk_in_id``, unique): sent twice, it is one person. ``participation`` is the one the
    walk-in became (a saved person matched by phone or e-mail, or a new one); None when the
    walk-in was an erased person and was not recorded (``skipped``)."""

    walk_in_id = models.UUIDField(_("walk-in identifier"), editable=False)
    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="walk_ins", verbose_name=_("workshop")
    )
    participation = models.ForeignKey(
        "workshops.Participation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="walk_ins",
        verbose_name=_("participation"),
    )
    matched = models.BooleanField(_("matched a saved person"), default=False)

    class Meta:
        verbose_name = _("walk-in")
        verbose_name_plural = _("walk-ins")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["walk_in_id"],
                name="attendance_checkinwalkin_unique_walk_in",
                violation_error_message=_("This walk-in was already received."),
            ),
        ]

    def __str__(self):
        return str(self.walk_in_id)


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
