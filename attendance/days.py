"""Sheets without day columns: were their people present at every session, or only registered?

A registration list and a typed-up sign-in sheet look alike: names, organisations, phones, and
no column per session. The import cannot tell them apart, so when the workshop has sessions,
the sheet has no column for any of them and some row gives no status of its own, the preview
asks once for the whole sheet (``Question(kind="without_days", value="")``). The answer reads
as day columns the sheet would have had: "present at every session" ticks every session for
the rows without a status (or with "present"), "present at session N only" ticks that one,
"registered only" ticks nothing (new people are registered, the saved ones keep their status
and marks). A row's own status column always wins. The proposed answer is "present" when the
sheet looks like a sign-in sheet (``looks_like_sign_in``: a signature column, or a title or
file name that says so), else "registered".

Sits between ``people`` and ``plan``: ``plan.plan_import`` calls ``answer_without_days``.
"""

from django.utils.translation import gettext as _

from attendance.choices import Question
from attendance.vocabulary import SIGNATURE_WORDS, whole_words
from regions.names import fold
from workshops.models import Participation

KIND = "without_days"
EVERY_SESSION = "all"
REGISTERED_ONLY = "registered"
ONE_SESSION = "session-"  # followed by the session's position: "session-2"

# Other words of a sign-in sheet (feuille d'émargement, ورقة الحضور) in a title line, the file
# name or the worksheet's name.
SIGN_IN_WORDS = (
    *SIGNATURE_WORDS,
    "émarger",
    "feuille de présence",
    "fiche de présence",
    "liste de présence",
    "sign in",
    "signin",
    "attendance sheet",
    "attendance list",
    "ورقة الحضور",
    "لائحة الحضور",
    "قائمة الحضور",
)


_SIGN_IN = whole_words(SIGN_IN_WORDS)


def looks_like_sign_in(rows, header, *names):
    """True when the sheet says it is a sign-in sheet: a word of ``SIGN_IN_WORDS`` in a cell of
    the title lines or of the header (``rows``: ``[(row number, [cell text…])]``; ``header``:
    ``headers.Header``), or in one of ``names`` (the file's, the worksheet's)."""
    texts = [*names, *header.cells]
    for _number, cells in rows[: header.index]:
        texts.extend(cells)
    return any(_SIGN_IN.search(fold(text)) for text in texts if text)


def without_days_question(sessions, signed):
    """The question for a sheet without day columns of a workshop with ``sessions`` (in order);
    ``signed``: the sheet looks like a sign-in sheet (then "present at every session" is
    proposed, else "registered only"). With two sessions or more, one option per session."""
    every = (EVERY_SESSION, _("present at every session"))
    registered = (REGISTERED_ONLY, _("registered only (no attendance recorded)"))
    options = [every, registered] if signed else [registered, every]
    if len(sessions) > 1:
        options += [
            (
                f"{ONE_SESSION}{session.position}",
                _("present at %(session)s (%(date)s) only")
                % {"session": session, "date": session.date.strftime("%d/%m/%Y")},
            )
            for session in sessions
        ]
    if signed:
        text = _(
            "This sheet has no column per day, and it looks like a sign-in sheet. Were these people "
            "present at every session, or only registered?"
        )
    else:
        text = _(
            "This sheet has no column per day. Were these people present at every session, or "
            "only registered?"
        )
    return Question(kind=KIND, value="", text=text, options=options)


def answer_without_days_with(answer):
    """The answers (``{form field name: answer}``, for ``choices.Choices``) that answer the
    question about a sheet without day columns with ``answer`` ("all", "registered",
    "session-N"); for the management command, which has no form."""
    return {Question(kind=KIND, value="", text="", options=[]).field_name: answer}


def answer_without_days(sessions, parsed, covered, result):
    """Ask about a sheet without day columns and apply the answer; returns the sessions the
    sheet now covers.

    ``sessions``: the workshop's sessions in order; ``parsed``: the merged ParsedRows (their
    ``present`` dicts are filled in place); ``covered``: the sessions the sheet has a column for;
    ``result``: the ``plan.ImportResult`` (its ``choices`` give the answer, its ``questions``
    receive the question, its ``sessions`` become the sessions covered). Asks nothing and
    returns ``covered`` when the sheet has day columns, the workshop has no session, or every
    row gives its own status.
    """
    if covered or not sessions or all(row.status for row in parsed):
        return covered
    question = without_days_question(sessions, result.sign_in_sheet)
    result.questions.append(question)
    answer = result.choices.answer(question)
    if answer == EVERY_SESSION:
        covered = list(sessions)
    elif answer.startswith(ONE_SESSION):
        covered = [s for s in sessions if f"{ONE_SESSION}{s.position}" == answer]
    for row in parsed:
        if row.status in ("", Participation.Status.ATTENDED):
            row.present = {session.pk: True for session in covered}
    result.sessions = covered
    return covered
