"""Shared argument handling for the workshop management commands."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from workshops.models import Workshop


def get_workshop(reference):
    """Return the Workshop whose id (digits) or slug is ``reference``; CommandError otherwise."""
    lookup = {"pk": int(reference)} if str(reference).isdigit() else {"slug": reference}
    try:
        return Workshop.objects.get(**lookup)
    except Workshop.DoesNotExist as exc:
        raise CommandError(_("No workshop with id or slug “%(ref)s”.") % {"ref": reference}) from exc
