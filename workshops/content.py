"""Which version of a translated text a page shows, and in which language it is written.

The texts listed in ``workshops/translation.py`` have one column per language (``title_ar``,
``title_fr``, ``title_en``). A page shows the version in its own language; where there is none,
the version in the record's original language (``record.language``), then any other. The
language of the version shown goes on its element (``lang`` and ``dir``), so that a screen
reader reads an Arabic title on a French page with an Arabic voice, right to left.
"""

import re

from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language, get_language_info

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
ARABIC_LETTER = re.compile("[\u0620-\u064a\u066e-\u06d3\u06fa-\u06fc]")
LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")


class Shown(str):
    """A text as shown (``str``), with ``lang``: the code of the language it is written in."""

    lang = ""

    @property
    def dir(self):
        """``"rtl"`` or ``"ltr"``: the direction of ``lang``."""
        return "rtl" if get_language_info(self.lang)["bidi"] else "ltr"


def versions(field):
    """The column names of every version of ``field``: ``["title_ar", "title_fr", "title_en"]``."""
    return [f"{field}_{code}" for code in LANGUAGE_CODES]


def shown(record, field):
    """The version of ``record``'s ``field`` to show in the active language, as a ``Shown``.

    Order: the page's language, the record's original language, the others in
    ``settings.LANGUAGES`` order. An empty text everywhere gives ``Shown("")`` in the page's
    language. Reads loaded columns only: no query.
    """
    page = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    original = getattr(record, "language", "") or settings.LANGUAGE_CODE
    for code in dict.fromkeys([page, original, *LANGUAGE_CODES]):
        text = getattr(record, f"{field}_{code}", None)
        if text:
            result = Shown(text)
            result.lang = code
            return result
    result = Shown("")
    result.lang = page
    return result


def contains(word, *fields):
    """``Q``: any version of any of ``fields`` contains ``word`` (case-insensitive).

    ``fields`` are translated field names, with a relation path if needed
    (``"recommendation__text"``): each is searched in every language's column.
    """
    query = Q()
    for field in fields:
        for column in versions(field):
            query |= Q(**{f"{column}__icontains": word})
    return query


def written_in(text):
    """``"ar"`` when ``text`` is mostly Arabic script, else ``"fr"`` (French and English cannot be
    told apart this cheaply; French is the tracker's other working language)."""
    arabic = len(ARABIC_LETTER.findall(text or ""))
    return "ar" if arabic and arabic >= len(LATIN_LETTER.findall(text or "")) else "fr"
