"""A registration through a workshop's public form: the consent it carries and staff's decision.

The person and their participation are the ordinary ``organizations.Person`` and
``workshops.Participation`` (status "awaiting approval" while staff must still decide); this
row adds what only the form knows: when and in which language the person registered, the
consent text they were shown and agreed to (word for word, and its version), the organisation
as typed when it matched none, and who approved or refused it. It holds no name or contact:
erasing the person (``organizations.privacy.erase_person``) leaves nothing here to scrub.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workshops.models import Participation


class RegistrationQuerySet(models.QuerySet):
    def awaiting_approval(self):
        """Registrations staff have still to approve or refuse."""
        return self.filter(participation__status=Participation.Status.PENDING)


class Registration(models.Model):
    """One participation made through the public form (see the module docstring)."""

    participation = models.OneToOneField(
        "workshops.Participation",
        on_delete=models.CASCADE,
        related_name="registration",
        verbose_name=_("participation"),
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    language = models.CharField(_("language of the form"), max_length=8)
    consent_version = models.CharField(_("version of the consent text"), max_length=20)
    consent_text = models.TextField(_("consent text shown"))
    organization_name = models.CharField(
        _("organisation as typed"),
        max_length=255,
        blank=True,
        help_text=_("Kept when it matched no saved organisation by name or other name."),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("decided by"),
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The admin's list: newest first.
            models.Index(fields=["-created_at"], name="registrations_by_date"),
        ]

    def __str__(self):
        return str(self.participation)
