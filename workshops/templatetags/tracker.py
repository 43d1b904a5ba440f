"""Template helpers of the public pages: status badge colours, the language switcher, lists
joined in the active language, and numbers for the map and charts."""

import re

from django import template
from django.urls import translate_url
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from config import wording
from workshops import content, publication
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

# Letters of the Arabic script (Arabic, its supplements and presentation forms) and of the Latin one.
ARABIC_LETTER = re.compile(
    "[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]"
)
LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")


# What separates the items of a list, per language; ", " for the others. Arabic writes the
# Arabic comma (U+060C).
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
    """Return the current page's URL (query string kept) under ``language_code``'s prefix: the
    language switcher's links. A path that does not resolve is returned unchanged."""
    return translate_url(context["request"].get_full_path(), language_code)


@register.simple_tag
def list_separator():
    """Return the active language's list separator: ``"، "`` in Arabic, ``", "`` otherwise.

    For lists whose items are links: ``{% if not forloop.last %}{% list_separator %}{% endif %}``.
    """
    return wording.list_separator()


@register.filter(needs_autoescape=True)
def join_list(items, autoescape=True):
    """Join ``items`` (any iterable; each shown as ``str(item)``, escaped) with the active
    language's list separator: ``Fès-Meknès, Oriental`` in French, ``فاس-مكناس، الشرق`` in
    Arabic."""
    escape = conditional_escape if autoescape else str
    return mark_safe(wording.join_list(escape(str(item)) for item in items))


@register.filter
def format_measure(value, decimals=0):
    """Format the number ``value`` for the active language with ``decimals`` decimals and
    grouped thousands (``1 234,50`` in French, ``1,234.50`` in English)."""
    if value is None or value == "":
        return ""
    return number_format(value, decimal_pos=int(decimals), force_grouping=True)


@register.filter
def column_max(rows, key):
    """The largest number under ``key`` in ``rows``: a position in tuples (``2``) or a key of
    dicts (``"participants"``). None values are skipped; 0 when there is none. The scale of a
    bar chart: ``{% with top=rows|column_max:2 %}``."""
    if isinstance(key, int) or str(key).isdigit():
        key = int(key)
    return max((row[key] for row in rows if row[key] is not None), default=0)


@register.filter
def lang_attr(text):
    """Return `` lang="ar"`` for user-entered text written mostly in Arabic script, shown on a
    French or English page; otherwise an empty string.

    WCAG 2.1 "language of parts": a screen reader then reads an Arabic title with an Arabic
    voice. On Arabic pages the page's own language already says it. Latin-script text is left to
    the page's language: French and English cannot be told apart this cheaply.
    Use: ``<h1 dir="auto"{{ workshop.title|lang_attr }}>``.
    """
    if (get_language() or "").startswith("ar"):
        return ""
    text = str(text)
    arabic = len(ARABIC_LETTER.findall(text))
    if arabic and arabic >= len(LATIN_LETTER.findall(text)):
        return mark_safe(' lang="ar"')
    return ""


@register.filter
def shown(record, field):
    """The version of ``record``'s translated ``field`` for this page (``workshops.content``).

    Use with ``text_attrs``: ``<h1{{ workshop|text_attrs:"title" }}>{{ workshop|shown:"title" }}</h1>``.
    """
    return content.shown(record, field)


@register.filter
def text_attrs(record, field):
    """`` lang="fr" dir="ltr"``: the language and direction of the version ``shown`` prints."""
    text = content.shown(record, field)
    return format_html(' lang="{}" dir="{}"', text.lang, text.dir)


@register.filter
def workshop_total(count):
    """A workshop's number of participants as the public lists print it
    (``publication.workshop_total``: None, printed "hidden", when small)."""
    return publication.workshop_total(count)
