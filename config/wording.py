"""Lists written out in the active language, and Django's admin wording put right.

Any list shown to a person (row numbers in an import message, column names, regions) is
joined with ``join_list``: "14, 55" in French and English, "14، 55" in Arabic (the Arabic
comma, U+060C).
"""

from django.utils.translation import get_language, gettext_noop

# Separator between the items of a list, per language code; ", " for the others.
LIST_SEPARATORS = {"ar": "\u060c "}


def list_separator():
    """The active language's list separator: ``"، "`` in Arabic, ``", "`` otherwise."""
    return LIST_SEPARATORS.get((get_language() or "")[:2], ", ")


def join_list(items):
    """``items`` (any iterable, each shown as ``str(item)``) joined with ``list_separator()``.

    Plain text: escape it where it goes into HTML (the ``join_list`` template filter does).
    """
    return list_separator().join(str(item) for item in items)


# Django's admin messages whose French or Arabic wording Django's catalogues get wrong for some
# of our models (gender agreement: "Supprimer les participations sélectionnés"; elision: "Ajout
# de atelier"; "اختر ورشة لتغييره"). Our catalogues, read first (LOCALE_PATHS), translate them
# with wording that fits every noun; listed here so that makemessages keeps them.
ADMIN_WORDING = [
    gettext_noop("Add %s"),
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
    gettext_noop("Delete selected %(verbose_name_plural)s"),
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("Add another %(verbose_name)s"),
]
