"""Which place a name typed in a sheet means: folded name or known alias, else a fuzzy guess.

``PlaceMatcher(entries)`` is built once (``Region.objects.matcher()``) from ``(text, place)``
pairs: official names in every language, codes, and the alias table (``PlaceAlias``). A text is
looked up in three steps:

1. its folded form (``regions.names.fold``, with "Région de", "جهة", "province de"… dropped in
   front, spaces ignored) is a key of the index: a certain match;
2. else rapidfuzz's ``fuzz.ratio`` between the folded text and every key of at least
   ``MIN_FUZZY_LENGTH`` characters: at ``FUZZY_THRESHOLD`` or above, a fuzzy match (the caller
   warns and asks the staff member to confirm);
3. else no match; ``candidates`` still holds the two best places with their scores.

Each distinct text is looked up once per matcher (a dict cache): a sheet of 20,000 rows with
five spellings of its regions folds and scores five values. This module imports no model: the
places are whatever objects the caller pairs with the names.
"""

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from regions.names import fold

# Chosen by measuring precision and recall on real spellings and on names that must not match
# (bench/place_threshold.py prints the table; docs/tracker.md gives the figures): with
# fuzz.ratio on folded text, 85 keeps every wrong guess out (precision 1.0) and still reads
# "Daraa Tafilalt" and "Tanger-Tetouan-Elhoucima".
FUZZY_THRESHOLD = 85
# Codes and abbreviations ("04", "TTA", "RSK") are matched exactly, never guessed from.
MIN_FUZZY_LENGTH = 4
# Words that may stand before a place's name and carry no meaning for matching (folded).
PREFIXES = (
    "جهه ",
    "اقليم ",
    "عماله ",
    "region de la ",
    "region de l ",
    "region de ",
    "region du ",
    "region ",
    "province de l ",
    "province de ",
    "province d ",
    "province ",
    "prefecture de l ",
    "prefecture de ",
    "prefecture d ",
    "prefecture ",
)

EXACT, FUZZY, NONE = "exact", "fuzzy", "none"


@dataclass(frozen=True)
class PlaceMatch:
    """What a text was read as: ``place`` (None when ``how`` is ``NONE``), ``how`` (``EXACT``,
    ``FUZZY`` or ``NONE``), ``score`` (0-100, 100 for an exact match) and ``candidates``: up to
    two ``(place, score)`` pairs, best first, distinct places (for fuzzy and no matches)."""

    text: str
    place: object
    how: str
    score: float = 100.0
    candidates: tuple = ()


def match_key(text):
    """The folded ``text`` without a leading "Région de", "جهة", "Province de"…: the index key."""
    key = fold(text)
    for prefix in PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


class PlaceMatcher:
    """Looks texts up among ``entries``, an iterable of ``(name, place)``; the first entry of a
    key wins. Calling the matcher returns the place of a certain match, else None."""

    def __init__(self, entries):
        self.index = {}
        for name, place in entries:
            key = match_key(name)
            if key:
                self.index.setdefault(key, place)
                self.index.setdefault(key.replace(" ", ""), place)
        self.fuzzy_keys = [key for key in self.index if len(key) >= MIN_FUZZY_LENGTH]
        self._cache = {}

    def __call__(self, text):
        found = self.lookup(text)
        return found.place if found.how == EXACT else None

    def lookup(self, text):
        """The ``PlaceMatch`` of ``text`` (str), computed once per distinct text."""
        if text not in self._cache:
            self._cache[text] = self._lookup(text)
        return self._cache[text]

    def _lookup(self, text):
        key = match_key(text)
        place = self.index.get(key) or self.index.get(key.replace(" ", ""))
        if place is not None:
            return PlaceMatch(text, place, EXACT)
        candidates = self.candidates(key)
        if candidates and candidates[0][1] >= FUZZY_THRESHOLD:
            return PlaceMatch(text, candidates[0][0], FUZZY, candidates[0][1], candidates)
        return PlaceMatch(text, None, NONE, candidates[0][1] if candidates else 0.0, candidates)

    def candidates(self, key, count=2):
        """The ``count`` best distinct places for the folded ``key``: ``((place, score), …)``."""
        if not key:
            return ()
        best = []
        scored = process.extract(key, self.fuzzy_keys, scorer=fuzz.ratio, limit=len(self.fuzzy_keys))
        for name, score, _index in scored:
            place = self.index[name]
            if all(place != seen for seen, _score in best):
                best.append((place, round(score, 1)))
                if len(best) == count:
                    break
        return tuple(best)
