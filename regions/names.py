"""Folding of place and person names typed in Arabic, French or English, for matching.

``fold(text)`` returns a comparison key: lower case, Latin accents removed, Arabic diacritics
(harakat) and tatweel removed, alef forms (أ إ آ ٱ) → ا, ta marbuta ة → ه, alef maqsura ى → ي,
hamza carriers ؤ/ئ → و/ي, Arabic-Indic and Persian digits → Western digits, punctuation and
hyphens → single spaces. Two spellings that a user would call "the same name" fold to the same
key; the key is never shown to anyone. It is the one key of matching (imports) and of search
(``regions.search``): ``Organization.name_key``, ``OrganizationAlias.key``, ``PlaceAlias.key``
and the ``search_key`` columns store it, and ``manage.py rebuild_search_keys`` recomputes them
all after a change here. The erasure digests of names do not follow it: they keep
``fold_v1`` (see ``digest_name_key``).

Examples: ``fold("Fès - Meknès") == fold("fes-meknes") == "fes meknes"``;
``fold("آسفي") == fold("أسفي") == "اسفي"``.
"""

import functools
import re
import unicodedata

_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
        "ک": "ك",
        "ی": "ي",
    }
)
_SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)
# Arabic-Indic (٠-٩) and Persian (۰-۹) digits: "٢٠٢٤" and "2024" are the same year.
_DIGITS = str.maketrans(
    {**{chr(0x0660 + n): str(n) for n in range(10)}, **{chr(0x06F0 + n): str(n) for n in range(10)}}
)


# An attendance sheet repeats its regions, organisations and words on every row: each distinct
# value is folded once.
@functools.lru_cache(maxsize=65536)
def fold(text):
    """Return the matching and search key of ``text`` (str or None); ``""`` for empty input."""
    return fold_v1(text).translate(_DIGITS) if text else ""


@functools.lru_cache(maxsize=65536)
def fold_v1(text):
    """The fold as it was before digits were folded (Arabic-Indic digits kept as they are).

    FROZEN: the erasure digests of names (``organizations.privacy.identity_digests``) were and
    are computed from it, and an erased person's name cannot be folded again; changing this
    function would silently stop matching erased people on re-import."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = _ARABIC_DIACRITICS.sub("", text).translate(_ARABIC_LETTERS)
    # Strip Latin accents (é → e, ï → i) but keep Arabic letters whole: decompose, drop the
    # combining marks, recompose.
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("'", " ").replace("’", " ")
    return _SEPARATORS.sub(" ", text).strip()


def collapse_spaces(text):
    """Return ``text`` stripped, with runs of white space (including NBSP) made single spaces."""
    return " ".join(str(text or "").split())


@functools.lru_cache(maxsize=65536)
def name_key(first_name, last_name):
    """Comparison key of a person's name: folded words in sorted order, so that "IDRISSI Salma"
    and "Salma Idrissi" compare equal (the importer's and the erasure record's key)."""
    return " ".join(sorted(fold(f"{first_name} {last_name}").split()))


def digest_name_key(first_name, last_name):
    """``name_key`` under the frozen ``fold_v1``: the key of the erasure digest of a name."""
    return " ".join(sorted(fold_v1(f"{first_name} {last_name}").split()))
