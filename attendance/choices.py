"""The preview's questions and the staff member's answers, carried from preview to confirmation.

Some things an import cannot decide alone: which text encoding a CSV is in (``sheets``), which
region a spelling means (``rows``), whether a new organisation name is a known organisation
under another spelling (``plan``), whether the people of a sheet without day columns came to
every session (``plan``). The module that meets such a thing makes a ``Question`` with its
options, the proposed one first, and reads the answer from the ``Choices`` it was given: what the
staff member picked in the preview form, else the proposed option. The preview lists the
questions as one form; "Preview again" re-reads the staged sheet with the answers, and the
confirmation imports with the answers of the preview the staff member last saw
(``attendance.views``, ``attendance.staging``). So a module asks its question in every reading
of the same sheet, answered or not (the confirmation checks that the answers it carries are
those of the questions asked).

This module sits at the bottom with ``vocabulary``: it imports none of this app's modules.
"""

import hashlib
from dataclasses import dataclass, field

# Bounds on what a posted form may carry: answers are short codes, ids or encoding names.
MAX_ANSWERS = 2000
MAX_ANSWER_LENGTH = 200
PREFIX = "q-"
# Questions one preview may ask: its form must stay below Django's DATA_UPLOAD_MAX_NUMBER_FIELDS
# (1000) with the token, the button and the CSRF field (``attendance.apply`` refuses more).
MAX_QUESTIONS = 500


@dataclass
class Question:
    """One thing the import asks the staff member.

    ``kind``: what is asked ("encoding", "place", "organisation", "without_days", …);
    ``value``: the sheet's text it is about, as typed ("" for a question about the whole
    sheet); ``text``: the translated question; ``options``: ``[(answer str, translated
    label)]``, the proposed answer first; ``rows``: the sheet row numbers concerned;
    ``answer``: the answer in force (chosen, else the proposed one), set by ``Choices.answer``.
    """

    kind: str
    value: str
    text: str
    options: list
    rows: list = field(default_factory=list)
    answer: str = ""

    @property
    def field_name(self):
        """The form field's name: stable for the same kind and value, whatever the text."""
        digest = hashlib.sha256(f"{self.kind}\x00{self.value}".encode()).hexdigest()[:20]
        return f"{PREFIX}{self.kind}-{digest}"

    @property
    def proposed(self):
        return self.options[0][0] if self.options else ""


class Choices:
    """The staff member's answers: ``{Question.field_name: answer}``; empty means "take every
    proposed option". An answer that is not one of the question's options is ignored."""

    def __init__(self, answers=None, shown=False):
        self.answers = dict(answers or {})
        # True when the questions are put to a staff member in the preview form, whose
        # confirmation sends every answer back: a proposed answer then counts as given (the
        # preview says what confirming it does). False for the management command, which takes
        # proposals unseen.
        self.shown = shown

    def given(self, question):
        """Whether the staff member gives the answer to ``question``: picked in the form, or
        shown to them there as proposed (``shown``)."""
        return self.shown or question.field_name in self.answers

    def answer(self, question):
        """Return the answer to ``question`` (one of its option values) and record it on the
        question: the chosen one when it is an option, else the proposed one."""
        chosen = self.answers.get(question.field_name)
        allowed = {value for value, _label in question.options}
        question.answer = chosen if chosen in allowed else question.proposed
        return question.answer

    @classmethod
    def from_post(cls, post):
        """The answers in a posted form (a QueryDict or dict): fields named ``q-…``, at most
        ``MAX_ANSWERS`` of them, each cut to ``MAX_ANSWER_LENGTH`` characters."""
        answers = {}
        for name in post:
            if name.startswith(PREFIX) and len(name) <= 64 and len(answers) < MAX_ANSWERS:
                answers[name] = str(post.get(name, ""))[:MAX_ANSWER_LENGTH]
        return cls(answers, shown=True)

    def as_json(self):
        """A JSON-ready dict (for ``attendance.staging``)."""
        return dict(self.answers)

    @classmethod
    def from_json(cls, data):
        """The inverse of ``as_json``; anything but a dict of strings gives no answers."""
        if not isinstance(data, dict):
            return cls()
        return cls({str(k): str(v) for k, v in data.items() if isinstance(v, str)})

    def __eq__(self, other):
        return isinstance(other, Choices) and self.answers == other.answers

    def __bool__(self):
        return bool(self.answers)

    def __repr__(self):
        return f"Choices({self.answers!r})"
