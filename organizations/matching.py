"""How alike two organisation names are, for proposing "the same organisation, spelt otherwise".

Names are compared folded (``regions.names.fold``: case, accents, Arabic letter variants,
punctuation) and without their function words (de, des, pour, of, the, و, في…), with rapidfuzz's
``token_sort_ratio`` (word order ignored), 0 to 100, capped by how alike the words that the two
names do not share are (so that "Association Fès pour le développement" is not "Association
Meknès pour le développement"). An acronym (one word of 2 to 8 letters)
scores 100 against a name whose significant words start with its letters ("AMDH" and
"Association marocaine des droits humains"). Names in two scripts or languages score low: those
are found by alias, or through the people who belong to them (``attendance.organisations``).

``FUZZY_THRESHOLD`` was measured on labelled pairs of Moroccan NGO names
(``bench/organisation_matching.py`` prints precision and recall per threshold).
"""

from rapidfuzz import fuzz, process

from regions.names import fold

# At or above this score a name is proposed as another spelling of a saved organisation; the
# lowest threshold at which no labelled pair of two different organisations was proposed.
FUZZY_THRESHOLD = 88
# Below the threshold but at or above this, the organisation is listed as another option.
CANDIDATE_THRESHOLD = 70
FUNCTION_WORDS = frozenset(
    "a au aux d de des du en et l la le les pour sur of the for and in on to و في من على عن".split()
)

# The words for a kind of organisation (folded): a name made of them only ("Association",
# "جمعية", "Commune urbaine") says what an organisation is, not which one.
GENERIC_WORDS = frozenset(
    "association associations commune communes urbaine rurale centre reseau cooperative fondation "
    "federation union club collectif coalition conseil ong ngo organisation organization "
    "جمعيه جماعه مركز شبكه تعاونيه مؤسسه اتحاد نادي مجلس ائتلاف حضريه قرويه".split()
)


def is_generic(key):
    """True when the folded name ``key`` is only function words and words for a kind of
    organisation (``GENERIC_WORDS``, with or without the Arabic article): never an alias of one
    organisation."""
    return all(word.removeprefix("ال") in GENERIC_WORDS for word in significant_words(key))


def significant_words(key):
    """The words of the folded name ``key`` that are not function words."""
    return [word for word in key.split() if word not in FUNCTION_WORDS]


def _is_acronym_of(acronym, words):
    """True when the one-word ``acronym`` (2-8 letters) spells the initials of ``words``
    (the acronym itself, written in brackets after the name, left out)."""
    if not 2 <= len(acronym) <= 8 or not acronym.isalpha():
        return False
    initials = "".join(word[0] for word in words if word != acronym)
    return initials == acronym


def similarity(a, b):
    """How alike the organisation names ``a`` and ``b`` are (any text), 0 to 100."""
    return key_similarity(fold(a), fold(b))


def key_similarity(key_a, key_b):
    """``similarity`` of two names already folded (``regions.names.fold``)."""
    words_a, words_b = significant_words(key_a), significant_words(key_b)
    if not words_a or not words_b:
        return 0
    if len(words_a) == 1 and len(words_b) > 1 and _is_acronym_of(words_a[0], words_b):
        return 100
    if len(words_b) == 1 and len(words_a) > 1 and _is_acronym_of(words_b[0], words_a):
        return 100
    whole = fuzz.token_sort_ratio(" ".join(words_a), " ".join(words_b))
    only_a, only_b = _unshared(words_a, words_b), _unshared(words_b, words_a)
    if only_a and only_b:
        # The words that differ must be spellings of each other: "Association Meknès pour le
        # développement" and "Association Fès pour le développement" share all else.
        whole = min(whole, fuzz.ratio(" ".join(sorted(only_a)), " ".join(sorted(only_b))))
    return round(whole)


def _unshared(words, others):
    """The words of ``words`` left once each word of ``others`` has taken its twin."""
    left = list(words)
    for word in others:
        if word in left:
            left.remove(word)
    return left


class NameIndex:
    """Saved organisations to compare sheet names with, prepared once: ``candidates`` is
    ``[(organisation, [folded names it goes by])]`` (name, acronym, aliases)."""

    def __init__(self, candidates):
        self.entries = [(organization, key) for organization, keys in candidates for key in keys if key]
        self.texts = [" ".join(significant_words(key)) for _organization, key in self.entries]

    def ranked(self, key, floor=CANDIDATE_THRESHOLD):
        """``[(score, organisation)]`` best first, each organisation once with its best name,
        for those scoring at least ``floor`` against the folded name ``key``. rapidfuzz scores
        every name in C; only those that come near (or may be an acronym) are scored in full."""
        words = significant_words(key)
        if not words:
            return []
        near = {
            index
            for _text, _score, index in process.extract(
                " ".join(words), self.texts, scorer=fuzz.token_sort_ratio, score_cutoff=floor, limit=None
            )
        }
        if len(words) == 1:
            near |= {i for i, text in enumerate(self.texts) if _is_acronym_of(words[0], text.split())}
        else:
            near |= {
                i for i, text in enumerate(self.texts) if " " not in text and _is_acronym_of(text, words)
            }
        best = {}
        for index in near:
            organization, other = self.entries[index]
            score = key_similarity(key, other)
            if score >= floor and score > best.get(organization.pk, (-1, None))[0]:
                best[organization.pk] = (score, organization)
        return sorted(best.values(), key=lambda pair: (-pair[0], pair[1].pk))
