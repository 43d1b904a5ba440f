"""The attendance import's shared vocabulary, at the bottom of its modules: the words of headers,
genders, presence marks and statuses in Arabic, French and English, the error type, and the
keys people and values are compared by. Every other import module may use this one; it uses
none of them (``sheets`` → ``headers`` → ``rows`` → ``people`` → ``plan`` → ``apply``).

Words are compared folded (``regions.names.fold``: lower case, no accents, Arabic letter
variants unified), so the lists hold one spelling of each.
"""

import functools
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organizations.models import Person
from regions.names import fold
from workshops.models import Participation
from workshops.reports import ATTENDANCE_COLUMNS, ATTENDED_COUNT_LABEL, COUNTED_LABELS, SUMMARY_LABEL

# Errors and warnings listed at most (a sheet of 20,000 wrong rows must not give a page of
# 100,000 messages); the last line says how many more there are.
MAX_MESSAGES = 200

# Lookups by phone, e-mail or name go to the database in slices of this many values.
QUERY_CHUNK = 500

# Column header spellings, folded with regions.names.fold before comparison.
HEADER_ALIASES = {
    "number": ["n", "no", "n°", "num", "numero", "#", "الرقم", "رقم", "ر ت", "ت", "number"],
    "last_name": [
        "nom",
        "nom de famille",
        "last name",
        "surname",
        "family name",
        "الاسم العائلي",
        "النسب",
        "الإسم العائلي",
        "اللقب",
    ],
    "first_name": ["prenom", "prenoms", "first name", "given name", "الاسم الشخصي", "الإسم الشخصي"],
    "full_name": [
        "nom complet",
        "nom et prenom",
        "nom prenom",
        "full name",
        "name",
        "الاسم الكامل",
        "الاسم",
        "الإسم",
        "الاسم و النسب",
        "الاسم والنسب",
        "الاسم و اللقب",
        "الاسم واللقب",
        "الاسم الكامل للمشارك",
        "اسم المشارك",
        "nom et prenoms",
        "prenom et nom",
        "prenom nom",
        "nom du participant",
        "nom complet du participant",
        "participant",
        "participant name",
        "name and surname",
    ],
    "gender": ["sexe", "genre", "gender", "sex", "الجنس", "النوع", "النوع الاجتماعي", "h f", "f h", "m f"],
    "organization": [
        "organisation",
        "organization",
        "association",
        "structure",
        "institution",
        "organisme",
        "الهيئة",
        "المنظمة",
        "الجمعية",
        "المؤسسة",
        "الجهة المنتمى اليها",
        "الهيئة المنتمى اليها",
        "اسم الجمعية",
        "entite",
        "etablissement",
        "structure d appartenance",
        "organisation association",
        "association organisation",
    ],
    # "Rôle" alone is read as the position, as partners use it (``headers``); next to another
    # position column it is the role.
    "position": ["fonction", "poste", "qualite", "position", "title", "الصفة", "المهمة"],
    "role": ["role", "الدور", "type de participant", "participant type", "role in the workshop"],
    "counts": ["compte", "comptabilise", "counted", "counts", "يحتسب", "محتسب", "compte dans le total"],
    "age_band": ["tranche d age", "tranche age", "age band", "age group", "الفئة العمرية", "الشريحة العمرية"],
    # The report's number of sessions attended: known, so not warned about, and not read.
    "attended_count": ["seances suivies", "sessions attended", "nombre de seances", "عدد الجلسات"],
    "city": ["ville", "city", "commune", "localite", "المدينة", "الجماعة"],
    "region": ["region", "الجهة", "الجهه", "جهة", "region d origine", "region of origin", "جهة الانتماء"],
    "phone": [
        "tel",
        "telephone",
        "gsm",
        "phone",
        "mobile",
        "portable",
        "telephone portable",
        "n de telephone",
        "numero de telephone",
        "n tel",
        "num tel",
        "phone number",
        "whatsapp",
        "الهاتف",
        "رقم الهاتف",
        "الهاتف النقال",
        "رقم الهاتف النقال",
        "الهاتف المحمول",
    ],
    "email": [
        "e mail",
        "email",
        "mail",
        "courriel",
        "adresse e mail",
        "adresse mail",
        "adresse electronique",
        "email address",
        "البريد الالكتروني",
        "البريد الإلكتروني",
        "البريد",
    ],
    "age": ["age", "العمر", "السن"],
    "consent_date": ["date de consentement", "date du consentement", "consent date", "تاريخ الموافقة"],
    "status": ["statut", "status", "etat", "الحالة", "الوضعية", "حالة المشاركة", "statut de participation"],
}

HEADER_INDEX = {fold(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases}

NAME_FIELDS = ("full_name", "last_name", "first_name")

GENDER_VALUES = {
    Person.Gender.FEMALE: [
        *("f", "femme", "feminin", "fem", "mme", "madame", "mlle", "female", "woman", "w"),
        *("انثى", "انثي", "امراه", "امراة", "سيدة", "ا", "ث"),
    ],
    Person.Gender.MALE: [
        "h",
        "m",
        "homme",
        "masculin",
        "masc",
        "mr",
        "monsieur",
        "male",
        "man",
        "ذكر",
        "رجل",
        "ذ",
    ],
}

GENDER_INDEX = {fold(v): gender for gender, values in GENDER_VALUES.items() for v in values}

PRESENT_SYMBOLS = {"✓", "✔", "☑", "✅", "+"}

ABSENT_SYMBOLS = {"-", "—", "–", "✗", "✘", "☐", "/"}

PRESENT_WORDS = {
    fold(v)
    for v in [
        "x",
        "1",
        "oui",
        "yes",
        "y",
        "o",
        "نعم",
        "حاضر",
        "حاضرة",
        "p",
        "present",
        "présent",
        "présente",
        "v",
        # A ticked checkbox as Excel writes it to CSV, in English, French and Arabic.
        "true",
        "vrai",
        "صحيح",
        # A typed-up sign-in sheet: its day columns are headed "Signature" / "التوقيع".
        "signé",
        "signée",
        "signed",
        "émargé",
        "émargée",
        "موقع",
        "موقعة",
        "وقع",
        "وقعت",
        "تم التوقيع",
    ]
}

ABSENT_WORDS = {
    fold(v)
    for v in [
        *("0", "non", "no", "n", "لا", "غائب", "غائبة", "a", "absent", "absente", "false", "faux", "خطأ"),
        *("non signé", "non signée", "pas signé", "pas signée", "not signed", "unsigned"),
        *("لم يوقع", "لم توقع", "غير موقع", "غير موقعة"),
    ]
}

# Values of the optional status column.
STATUS_VALUES = {
    Participation.Status.REGISTERED: ["registered", "inscrit", "inscrite", "inscrit e", "مسجل", "مسجلة"],
    Participation.Status.ATTENDED: [
        "attended",
        "present",
        "presente",
        "present e",
        "participe",
        "حاضر",
        "حاضرة",
        "حضر",
    ],
    Participation.Status.NO_SHOW: [
        "no show",
        "noshow",
        "absent",
        "absente",
        "absent e",
        "غائب",
        "غائبة",
        "غياب",
    ],
    Participation.Status.CANCELLED: [
        "cancelled",
        "canceled",
        "annule",
        "annulee",
        "annulation",
        "desiste",
        "desistement",
        "ملغى",
        "ملغاة",
        "الغاء",
        "اعتذر",
        "معتذر",
    ],
}

STATUS_INDEX = {fold(v): status for status, values in STATUS_VALUES.items() for v in values}


# Values of the optional role column, besides the role labels in every language.
ROLE_VALUES = {
    Participation.Role.PARTICIPANT: ["participant", "participante", "participant e", "مشارك", "مشاركة"],
    Participation.Role.FACILITATOR: [
        *("facilitator", "facilitateur", "facilitatrice", "animateur", "animatrice", "formateur"),
        *("formatrice", "trainer", "moderator", "moderateur", "moderatrice"),
        *("ميسر", "ميسرة", "مؤطر", "مؤطرة", "منشط", "منشطة", "مكون", "مكونة"),
    ],
    Participation.Role.SPEAKER: [
        *("speaker", "intervenant", "intervenante", "conferencier", "conferenciere", "panelist", "paneliste"),
        *("متدخل", "متدخلة", "محاضر", "محاضرة"),
    ],
    Participation.Role.STAFF: [
        *("staff", "organiser", "organizer", "organisateur", "organisatrice", "equipe", "personnel"),
        *("منظم", "طاقم التنظيم", "فريق التنظيم"),
    ],
}

# Words that open the summary below the people of an exported CSV, besides its label.
SUMMARY_WORDS = {fold(word) for word in ("summary", "résumé", "synthèse", "ملخص", "الملخص")}


@functools.cache
def _label_words():
    """``{kind: {folded word: value}}`` from the labels the attendance report writes, in every
    language of ``settings.LANGUAGES``: kinds "header" (field names), "gender", "age_band",
    "role", "status", "counts" (True/False), "summary" (its title), "total", "region"
    (the summary's first headings). Built once: the export and the import share the labels,
    so they cannot drift apart."""
    words = {}

    def add(kind, label, value):
        key = fold(str(label))
        if key:
            words.setdefault(kind, {})[key] = value

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for name, label in ATTENDANCE_COLUMNS.items():
                add("header", label, name)
            add("header", ATTENDED_COUNT_LABEL, "attended_count")
            for kind, choices in (
                ("gender", Person.Gender),
                ("age_band", Person.AgeBand),
                ("role", Participation.Role),
                ("status", Participation.Status),
            ):
                for value, label in choices.choices:
                    add(kind, label, value)
            for value, label in COUNTED_LABELS.items():
                add("counts", label, value)
            add("summary", SUMMARY_LABEL, True)
            add("total", _("Total"), True)
            add("region", ATTENDANCE_COLUMNS["region"], True)
    return words


def _with_labels(kind, index):
    return {**index, **_label_words()[kind]}


@functools.cache
def header_index():
    """Folded header word → field name: ``HEADER_ALIASES`` and the report's column headers in
    every language."""
    return _with_labels("header", HEADER_INDEX)


@functools.cache
def gender_index():
    """Folded word → ``Person.Gender``: ``GENDER_VALUES`` and the gender labels in every language."""
    return _with_labels("gender", GENDER_INDEX)


@functools.cache
def status_index():
    """Folded word → ``Participation.Status``: ``STATUS_VALUES`` and the status labels in every
    language (``ألغى تسجيله``, ``désisté``, ``no-show``…)."""
    return _with_labels("status", STATUS_INDEX)


@functools.cache
def role_index():
    """Folded word → ``Participation.Role``: ``ROLE_VALUES`` and the role labels in every language."""
    return _with_labels("role", {fold(v): role for role, values in ROLE_VALUES.items() for v in values})


@functools.cache
def age_band_index():
    """Folded word → ``Person.AgeBand``: the age band labels in every language (``18-24``,
    ``moins de 18 ans``, ``65 سنة فما فوق``…)."""
    return _label_words()["age_band"]


def parse_counted(value):
    """Read a "counts toward totals" cell: True or False; ValueError for anything else.
    Accepts the report's yes/no in every language and the presence words (oui/non, نعم/لا,
    1/0, x, ✓…)."""
    counted = _label_words()["counts"].get(fold(value))
    if counted is None:
        counted = parse_presence(value)
    if counted is None:
        raise ValueError(value)
    return counted


def is_summary_start(cells):
    """Whether a sheet row opens the summary below the people of an attendance report: a
    line holding only "Summary" (in any language), or, in reports from before that line,
    the summary's first header (Region, then gender labels and Total)."""
    filled = [cell for cell in cells if cell]
    if not filled:
        return False
    labels = _label_words()
    first = fold(filled[0])  # one fold for a row of people: the rest only for a likely summary
    if len(filled) == 1:
        return first in labels["summary"] or first in SUMMARY_WORDS
    return first in labels["region"] and all(
        fold(cell) in labels["gender"] or fold(cell) in labels["total"] for cell in filled[1:]
    )


# Words that open a total line typed among or below the people ("Total", "Total participants :
# 22", "المجموع"), besides the report's own label for "Total".
TOTAL_WORDS = {fold(word) for word in ("total", "totaux", "sous-total", "المجموع", "مجموع", "الإجمالي")}
_NUMBER = re.compile(r"[\d\s.,:%]+")


def is_total_line(cells):
    """Whether a sheet row is a total line, not a person: its first cell that is not a number
    starts with a word of ``TOTAL_WORDS`` (or the report's "Total"), and every other filled
    cell is a number."""
    filled = [cell.strip() for cell in cells if cell and cell.strip()]
    words = [cell for cell in filled if not _NUMBER.fullmatch(cell)]
    if len(words) != 1:
        return False
    folded = fold(words[0]).split()
    totals = TOTAL_WORDS | set(_label_words()["total"])
    return bool(folded) and (folded[0] in totals or " ".join(folded[:2]) in totals)


def parse_presence(value):
    """Return True (present), False (absent or empty) or None (not a presence mark)."""
    value = (value or "").strip()
    if not value or value in ABSENT_SYMBOLS:
        return False
    if value in PRESENT_SYMBOLS:
        return True
    key = fold(value)
    if key in PRESENT_WORDS:
        return True
    if key in ABSENT_WORDS:
        return False
    return None


@dataclass
class SheetError:
    """One problem in a sheet. ``row``: 1-based row number as shown by the spreadsheet (None
    for the whole file); ``column``: the header as typed (None if not about a column)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self):
        if self.row and self.column:
            return _("Row %(row)s, column “%(column)s”: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        if self.column:
            return _("Column “%(column)s”: %(message)s") % {"column": self.column, "message": self.message}
        return self.message


class AttendanceImportError(Exception):
    """Raised when a sheet cannot be imported; ``errors`` lists every ``SheetError``;
    ``questions`` (``attendance.choices.Question``) are what the staff member may answer in the
    preview to get past some of them (a place spelling to map, another encoding)."""

    def __init__(self, errors, questions=()):
        self.questions = list(questions)
        self.errors = capped(
            list(errors),
            lambda count: (
                ngettext(
                    "… and %(count)s more problem, not listed: correct these first.",
                    "… and %(count)s more problems, not listed: correct these first.",
                    count,
                )
                % {"count": count}
            ),
        )
        super().__init__("\n".join(str(e) for e in self.errors))


def capped(messages, more):
    """The first ``MAX_MESSAGES`` of ``messages`` (SheetErrors), plus one saying how many more
    there are (``more(count)`` gives its text) when there are."""
    if len(messages) <= MAX_MESSAGES:
        return messages
    return [*messages[:MAX_MESSAGES], SheetError(None, None, more(len(messages) - MAX_MESSAGES))]


def field_labels():
    """Translated names of the columns the import understands, in the order shown to users."""
    return {
        "last_name": _("last name"),
        "first_name": _("first name"),
        "full_name": _("full name"),
        "gender": _("gender"),
        "organization": _("organisation"),
        "position": _("position"),
        "city": _("city"),
        "region": _("region"),
        "phone": _("phone"),
        "email": _("e-mail"),
        "age": _("age"),
        "consent_date": _("consent date"),
        "status": _("status"),
        "age_band": _("age band"),
        "role": _("role"),
        "counts": _("counts toward totals"),
        "sessions": _("presence per day (J1, اليوم 1, a date…)"),
    }


def chunks(values):
    """``values`` sorted, in lists of at most ``QUERY_CHUNK``: database lookups by phone, e-mail or
    name go in slices of that many."""
    values = sorted(values)
    for start in range(0, len(values), QUERY_CHUNK):
        yield values[start : start + QUERY_CHUNK]


# Headings of a signature column (feuille d'émargement, ورقة الحضور): it holds nothing the
# import reads, and says the sheet is a sign-in sheet (``attendance.days``).
SIGNATURE_WORDS = ("émargement", "signature", "توقيع", "التوقيع", "إمضاء", "الإمضاء")


def whole_words(words):
    """A compiled pattern that finds any of ``words`` as whole words in text folded with
    ``regions.names.fold`` (the words are folded too)."""
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(fold(word)) for word in words) + r")(?!\w)")


_SIGNATURE = whole_words(SIGNATURE_WORDS)


def is_signature_column(text):
    """True for a header cell naming a signature column ("Émargement", "Signature", "التوقيع")."""
    return bool(_SIGNATURE.search(fold(text)))
