"""The printable sign-in sheet of a workshop (feuille d'émargement, ورقة الحضور) as PDF.

Rendered from ``templates/reports/sign_in_sheet.html`` and ``static/css/sign_in_sheet.css`` by
WeasyPrint, whose Pango/HarfBuzz text layout shapes Arabic and orders right-to-left text
correctly (names are stored in logical order and stay so in the PDF's text layer). The page
reads right to left when the active language is Arabic.

System packages: WeasyPrint needs Pango (Debian ``libpango-1.0-0`` ``libpangoft2-1.0-0``) and
a font with Arabic letters (``fonts-noto-core`` or ``fonts-hosny-amiri``); see the README.
WeasyPrint is imported only when a PDF is asked for, so the rest of the site runs without them.

Its columns are those of the downloadable attendance template (``attendance.sheet_template``),
with the same headers in the same order (``SIGN_IN_COLUMNS``, then one column per session headed
as in the template), so that a sheet typed up from it imports without a question about headers:
number, last name, first name, gender, phone, e-mail, organisation, region, then the days.

PRE-FILLED SHEETS HOLD PERSONAL DATA (names, organisations, and contacts for those allowed to
see them): staff only.
"""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

from config.wording import join_list
from organizations.models import Organization, Person
from workshops.models import Participation, WorkshopPartner
from workshops.reports import ATTENDANCE_COLUMNS, session_heading

# Rows left empty under the pre-filled names, for walk-ins.
WALK_IN_ROWS = 5
# Rows of a blank sheet when the workshop gives no expected number of participants.
BLANK_ROWS = 25
STYLESHEET = "css/sign_in_sheet.css"
# The sheet's columns before the sessions: fields of the attendance template
# (``workshops.reports.ATTENDANCE_COLUMNS``), in its order, headed as there.
SIGN_IN_COLUMNS = ("last_name", "first_name", "gender", "phone", "email", "organization", "region")
# Filled only for users allowed to see contacts (``contacts=True``).
CONTACT_COLUMNS = ("phone", "email")


def sign_in_header(workshop):
    """The sheet's column headers in the active language (list of str): "No.", then
    ``SIGN_IN_COLUMNS`` as the attendance template heads them, then one per session
    (``workshops.reports.session_heading``). One query."""
    return [
        _("No."),
        *[str(ATTENDANCE_COLUMNS[field]) for field in SIGN_IN_COLUMNS],
        *[session_heading(session) for session in workshop.sessions.all()],
    ]


class SignInSheetRow:
    """One line of the sheet: ``values`` (str per ``SIGN_IN_COLUMNS``, empty on blank lines)."""

    def __init__(self, values=None):
        self.values = values or [""] * len(SIGN_IN_COLUMNS)

    @property
    def cells(self):
        """``(field, value)`` pairs in column order (the field is the cell's CSS class)."""
        return list(zip(SIGN_IN_COLUMNS, self.values, strict=True))

    @classmethod
    def of(cls, participation, contacts):
        """The line of ``participation`` (person, region and organisation selected); phone and
        e-mail left empty unless ``contacts``."""
        person = participation.person
        values = {
            "last_name": person.last_name,
            "first_name": person.first_name,
            "gender": "" if person.gender == Person.Gender.UNSPECIFIED else str(person.get_gender_display()),
            "phone": person.phone,
            "email": person.email,
            "organization": participation.organization.name if participation.organization else "",
            "region": person.region.name if person.region else "",
        }
        if not contacts:
            values.update(dict.fromkeys(CONTACT_COLUMNS, ""))
        return cls([values[field] for field in SIGN_IN_COLUMNS])


def funders_of(workshop):
    """Organisations funding ``workshop``: its funder partners, then its project's funders
    (each once, by name). Two queries."""
    funders = {
        p.organization.pk: p.organization
        for p in workshop.partnerships.filter(role=WorkshopPartner.Role.FUNDER).select_related("organization")
    }
    if workshop.project_id:
        for organization in Organization.objects.filter(funded_projects=workshop.project_id):
            funders.setdefault(organization.pk, organization)
    return sorted(funders.values(), key=lambda o: o.name)


def sign_in_rows(workshop, prefill=True, contacts=False):
    """The sheet's lines: with ``prefill``, one per participation not cancelled or refused (by name)
    followed by ``WALK_IN_ROWS`` empty lines; else ``expected_participants`` (or
    ``BLANK_ROWS``) empty lines. Phone and e-mail are filled only with ``contacts``. Returns
    ``(rows, number of pre-filled names)``."""
    if not prefill:
        return [SignInSheetRow() for _i in range(workshop.expected_participants or BLANK_ROWS)], 0
    participations = (
        workshop.participations.exclude(
            status__in=[Participation.Status.CANCELLED, Participation.Status.REFUSED]
        )
        .select_related("person", "person__region", "organization")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    rows = [SignInSheetRow.of(p, contacts) for p in participations]
    return rows + [SignInSheetRow() for _i in range(WALK_IN_ROWS)], len(rows)


def sign_in_html(workshop, prefill=True, contacts=False):
    """The sheet as an HTML string (what WeasyPrint lays out); ``(html, names)``."""
    rows, names = sign_in_rows(workshop, prefill, contacts)
    header = sign_in_header(workshop)
    venue = join_list(part for part in (workshop.venue, workshop.city) if part)
    context = {
        "workshop": workshop,
        "venue": venue,
        "funders": funders_of(workshop),
        "sessions": list(workshop.sessions.all()),
        # (CSS class, title) of the columns before the sessions, then the sessions' titles.
        "heads": list(zip(("number", *SIGN_IN_COLUMNS), header, strict=False)),
        "session_heads": header[len(SIGN_IN_COLUMNS) + 1 :],
        "rows": rows,
        "LANGUAGE_CODE": get_language(),
        "LANGUAGE_BIDI": get_language_bidi(),
    }
    return render_to_string("reports/sign_in_sheet.html", context), names


def _refuse_fetch(url, *args, **kwargs):
    """WeasyPrint URL fetcher: the sheet needs no outside resource, so none is ever loaded."""
    raise ValueError(f"the sign-in sheet loads no resources ({url!r} refused)")


def render_sign_in_sheet(workshop, prefill=True, contacts=False):
    """Render the sign-in sheet of ``workshop`` as PDF bytes, in the active language.

    One signature column per session (a single one when the workshop has no sessions);
    organiser and funders named in the heading. Pre-filled lines show phone and e-mail only with
    ``contacts`` (the user may see them: ``organizations.view_personal_data``). Returns ``(pdf
    bytes, number of pre-filled names)``. Raises OSError when Pango is missing (see the module
    docstring).
    """
    from weasyprint import CSS, HTML

    html, names = sign_in_html(workshop, prefill, contacts)
    stylesheet = CSS(filename=finders.find(STYLESHEET))
    pdf = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(stylesheets=[stylesheet])
    return pdf, names
