"""Template helpers of the public pages: status badge colours and the language switcher."""

from django import template
from django.urls import translate_url

from workshops.models import MonitoringCommittee, ProgressStatus, Workshop

register = template.Library()

# Bootstrap 5.3 "text-bg-*" classes (background and a readable text colour) per status value.
# Values of the three status scales do not overlap, so one map serves them all.
BADGE_CLASSES = {
    ProgressStatus.NOT_STARTED: "text-bg-secondary",
    ProgressStatus.LIMITED: "text-bg-info",
    ProgressStatus.SUBSTANTIAL: "text-bg-primary",
    ProgressStatus.COMPLETE: "text-bg-success",
    ProgressStatus.STALLED: "text-bg-warning",
    ProgressStatus.WITHDRAWN: "text-bg-dark",
    Workshop.Status.PLANNED: "text-bg-info",
    Workshop.Status.HELD: "text-bg-success",
    Workshop.Status.CANCELLED: "text-bg-secondary",
    MonitoringCommittee.Status.PROPOSED: "text-bg-secondary",
    MonitoringCommittee.Status.CONSTITUTED: "text-bg-info",
    MonitoringCommittee.Status.ACTIVE: "text-bg-success",
    MonitoringCommittee.Status.DISSOLVED: "text-bg-dark",
}

# Each language's name in itself, as shown by the language switcher (never translated).
AUTONYMS = {"ar": "العربية", "fr": "Français", "en": "English"}


@register.filter
def badge_class(status):
    """Return the Bootstrap badge class for a workshop, recommendation or committee status.

    ``status`` is a status value (``"completed"``, ``"held"``…); unknown values get the
    neutral ``"text-bg-light"``.
    """
    return BADGE_CLASSES.get(status, "text-bg-light")


@register.filter
def autonym(language_code):
    """Return the name of ``language_code`` (``"ar"``, ``"fr"``, ``"en"``) in that language."""
    return AUTONYMS.get(language_code, language_code)


@register.simple_tag(takes_context=True)
def current_url_in(context, language_code):
    """Return the current page's URL (query string kept) under ``language_code``'s prefix.

    Computed while rendering, when the active language is the one in the path: Django's
    ``set_language`` would otherwise try to translate ``next`` in the language of the cookie or
    browser, and keep "/fr/…" for a visitor whose browser asks for English. A path that does
    not resolve is returned unchanged.
    """
    return translate_url(context["request"].get_full_path(), language_code)
