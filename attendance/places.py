"""The region column of a sheet: each distinct spelling read once, guesses confirmed in the preview.

A region cell is matched by ``Region.objects.matcher()`` (``regions.matching``): a folded name,
code, alias or province name is read silently; a close spelling (rapidfuzz score at or above
``regions.matching.FUZZY_THRESHOLD``) is read as the region it resembles, with a warning and a
question; anything else is a row error naming the two closest regions, and a question. Each
distinct spelling is one ``Question(kind="place", value=<as typed>)`` for the whole sheet, its
``rows`` the sheet rows that carry it; its options are the proposed region (or the two closest)
first, then every other region, then "leave the region blank". The answer applies to every row
with that spelling; a spelling below the threshold stays an error until the staff member answers.

At confirmation, each spelling the staff member answered in the preview form (not one taken by
default, as the management command does) is remembered as a ``regions.PlaceAlias`` of the region
chosen, so the next sheet with that spelling is read without a question (``remember_answers``).
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from attendance.choices import Question
from attendance.vocabulary import SheetError
from regions.matching import EXACT, FUZZY
from regions.models import PlaceAlias, Region

KIND = "place"
# The answer "leave the region blank" (not a region code, never empty: an empty answer is none).
BLANK = "-"


class PlaceRefused(ValueError):
    """A region cell no region is read from; ``message`` (translated) says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class RegionReader:
    """Reads the region cells of one sheet with the staff member's ``choices``.

    ``reader(text, row)`` returns the Region of a cell (None for "leave blank"), or raises
    ``PlaceRefused``; ``questions`` lists one ``Question`` per distinct spelling not read with
    certainty, in the order met. Four queries to build (the regions, and the matcher's three).
    """

    def __init__(self, choices):
        self.regions = list(Region.objects.all())
        self.by_code = {region.code: region for region in self.regions}
        self.matcher = Region.objects.matcher()
        self.choices = choices
        self.questions = []
        self._asked = {}  # text as typed -> (Question, PlaceMatch)

    def __call__(self, text, row):
        found = self.matcher.lookup(text)
        if found.how == EXACT:
            return found.place
        if len(found.candidates) < 2:  # no letters or digits ("-", "?"): nothing to ask about
            raise PlaceRefused(
                _("Unknown region “%(value)s”: use one of Morocco's 12 regions.") % {"value": text}
            )
        question = self._question(text, found)
        question.rows.append(row)
        if question.answer == BLANK:
            return None
        if found.how == FUZZY or self.answered(question):
            return self.by_code[question.answer]
        first, second = (self._name(place) for place, _score in found.candidates)
        raise PlaceRefused(
            _(
                "Unknown region “%(value)s”: the closest are %(first)s and %(second)s. Choose the "
                "region in the questions below and preview again, or correct the sheet."
            )
            % {"value": text, "first": first, "second": second}
        )

    def answered(self, question):
        """Whether the staff member picked an answer to ``question`` in the preview form."""
        picked = self.choices.answers.get(question.field_name)
        return picked is not None and picked in {value for value, _label in question.options}

    def warnings(self, column):
        """One warning per spelling read by a guess or an answer: "Read … as …"."""
        return [
            SheetError(
                None,
                column,
                _("Read “%(value)s” as %(region)s.")
                % {"value": question.value, "region": self.by_code[question.answer].name},
            )
            for question in self.questions
            if question.answer != BLANK and question.answer in self.by_code
        ]

    def _question(self, text, found):
        if text in self._asked:
            return self._asked[text]
        first = [place for place, _score in (found.candidates if found.how != FUZZY else [(found.place, 0)])]
        ordered = first + [region for region in self.regions if region not in first]
        options = [(region.code, self._name(region)) for region in ordered]
        options.append((BLANK, _("Leave the region blank")))
        if found.how == FUZZY:
            text_asked = _("Which region is “%(value)s”? It looks like %(region)s.") % {
                "value": text,
                "region": self._name(found.place),
            }
        else:
            text_asked = _("Which region is “%(value)s”? No region has a name close enough.") % {
                "value": text
            }
        question = Question(kind=KIND, value=text, text=text_asked, options=options)
        self.choices.answer(question)
        self._asked[text] = question
        self.questions.append(question)
        return question

    @staticmethod
    def _name(region):
        return region.name


def remember_answers(workshop, result):
    """Record as ``PlaceAlias`` each region spelling of ``result`` (an ``ImportResult``) that the
    staff member answered in the preview, with the region chosen; call inside the import's
    transaction. The source names the workshop and the date (the import's audit entry names
    the staff member: the import is not told who runs it). Returns the aliases created."""
    chosen = {}
    picked = result.choices.answers if result.choices else {}
    for question in result.questions:
        if question.kind == KIND and question.field_name in picked and question.answer != BLANK:
            chosen.setdefault(question.answer, []).append(question.value)
    if not chosen:
        return []
    source = _("import into “%(workshop)s” (#%(pk)s) on %(date)s") % {
        "workshop": workshop.title,
        "pk": workshop.pk,
        "date": date_format(timezone.localdate(), "Y-m-d"),
    }
    created = []
    for region in Region.objects.filter(code__in=chosen):
        created += PlaceAlias.objects.remember(region, chosen[region.code], source[:300])
    return created
