"""A transliteration key, so that a Latin spelling of an Arabic name finds it in Arabic letters,
and the reverse: Mohamed, Mohammed, Mhamed, Mohammad and محمد all give ``mhmd``.

``translit_key(text)`` writes every word as a consonant skeleton, the same for both scripts:

1. the text is folded (``regions.names.fold``: hamza forms, tā' marbūṭa, tashkīl, case, accents);
2. the article goes: ال in front of an Arabic word (not إل of إلهام), "el", "al", "es",
   "ech"… standing alone or with a hyphen (El Alaoui, Es-Semlali), "abdel"/"abder" split into
   "abd" and the name (Abdelkader = عبد القادر), "ezzahra" → "zahra" (the article written as
   its doubled letter);
3. Arabic letters are written in Latin letters by ``anyascii`` (a maintained transliteration
   table: ش → sh, خ → kh, ع → `);
4. both scripts then meet in one skeleton: a word that starts with a vowel, w, y, ou, ا, ع, و
   or ي starts with ``a`` (Omar = عمر = "amr", Youssef = يوسف = "asf"); the other vowels, w, y,
   ع and hamza go (short vowels are not written in Arabic); ch → x (French spelling: "sh" is
   s-h, as in Siham = سهام), kh → k, gh → r, q, k
   and a lone g → k (Moroccan Latin spelling writes ق and ك with either), c → s and g → j before e/i, c → k
   otherwise, ph → f, th → t, dh → d, dj → j, p → b, v → f; a final h goes (فاطمة, Fatimah);
   a doubled letter is written once.

How far it goes is measured in docs/search.md (common Moroccan first and family names in both
scripts). What it cannot do: tell apart names of the same consonants (Said, Saad and Souad
are all ``sd``), find a name whose Latin spelling drops a written Arabic vowel (Driss =
إدريس gives "drs" against "adrs"), or join names written as one word in one script and two in
the other (Fatimazahra, فاطمة الزهراء). It is a second chance for search, never a matching key
of imports.
"""

import functools
import re

from anyascii import anyascii

from regions.names import fold

_ARABIC = re.compile("[\u0600-\u06ff]")
# Words that are only the article (El Alaoui, Al Hoceima, Es-Semlali, Ech-Chaoui, Ait is kept).
_LATIN_ARTICLES = frozenset(
    {"el", "al", "ul", "l", "es", "ech", "ed", "er", "et", "ez", "en", "ej", "ad", "ar", "as"}
)
# "abdelkader", "abdellah", "abdou", "abderrahim": عبد + the article + a name.
_ABD = re.compile(r"^(abd)(?:[eau]l|([eau])(?=([bcdjlnrstz])\3))(?=[a-z])")
# The sun-letter article written as its doubled letter in front of a name: ezzahra, essaouira.
_ASSIMILATED = re.compile(r"^[ea]([dnrstz])\1(?=[aeiou])")
# "noureddine", "salaheddine", "alaeddine": a name + الدين written as one word.
_DIN = re.compile(r"(?<=[a-z]{3})[eau]d(?=din)")
# The article in front of an Arabic word in the text as typed (ال or ٱل, maybe with tashkīl), but
# not the first letters of إلهام or ألطاف, which fold like it.
_ARABIC_ARTICLE = re.compile(r"(?<![^\W\d_])[اٱ]ل[\u064b-\u065f\u0670]*(?=\w\w)")
# Arabic letters written by anyascii with two Latin letters: one letter each here, so that the
# skeleton of an Arabic word needs no digraph (طاهري is t-h-r, not "th").
_ARABIC_LETTERS = str.maketrans({"ش": "x", "خ": "k", "غ": "r", "ث": "t", "ذ": "d", "ظ": "d", "ض": "d"})
_DIGRAPHS = [
    ("ch", "x"),
    ("kh", "k"),
    ("gh", "r"),
    ("th", "t"),
    ("dh", "d"),
    ("dj", "j"),
    ("ph", "f"),
    ("ou", "u"),
]
_LETTERS = str.maketrans({"q": "k", "g": "k", "p": "b", "v": "f", "`": "'"})
_SOFT_C = re.compile(r"c(?=[eiy])")
_SOFT_G = re.compile(r"g(?=[ei])")
_VOWELISH = "aeiouwy'"


def _arabic_word(word):
    """An Arabic word (article removed) in Latin letters, ``a`` for an initial alif."""
    word = word.translate(_ARABIC_LETTERS)
    return anyascii(("a" + word[1:]) if word.startswith("ا") else word).lower()


def _latin_words(word):
    """A Latin word without article: ``[]`` for the article alone, two words for "abdelkader"."""
    if word in _LATIN_ARTICLES:
        return []
    match = _ABD.match(word)
    if match:
        return ["abd", word[match.end() :]]
    return _DIN.sub(" ", _ASSIMILATED.sub(r"\1", word)).split()


def _skeleton(word, latin):
    """The consonant skeleton of a word in Latin letters (see the module's step 4); the
    digraphs of Latin spelling (ch, kh…) are read only in a ``latin`` word."""
    for pair, letter in _DIGRAPHS if latin else ():
        word = word.replace(pair, letter)
    if latin:
        word = _SOFT_G.sub("j", _SOFT_C.sub("s", word)).replace("c", "k")
    word = word.translate(_LETTERS)
    start = "a" if word[:1] in _VOWELISH else word[:1]
    rest = "".join(ch for ch in word[1:] if ch not in _VOWELISH and (ch.isalpha() or ch.isdigit()))
    rest = rest.removesuffix("h") if rest.endswith("h") and (start + rest) != "h" else rest
    return re.sub(r"(.)\1+", r"\1", start + rest)


@functools.lru_cache(maxsize=65536)
def translit_key(text):
    """The transliteration key of ``text`` (str or None): skeletons of its words, separated by
    single spaces (``"Mohamed El Alaoui"`` → ``"mhmd al"``); ``""`` when nothing is left."""
    words = []
    for word in fold(_ARABIC_ARTICLE.sub("", text or "")).split():
        if _ARABIC.search(word):
            words.append((_arabic_word(word), False))
        else:
            words.extend((latin, True) for latin in _latin_words(word))
    return " ".join(key for key in (_skeleton(*word) for word in words) if key)
