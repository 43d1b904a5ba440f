"""The printable sign-in sheet of a workshop (feuille d'émargement, ورقة الحضور) as PDF.

Rendered from ``templates/reports/sign_in_sheet.html`` and ``static/css/sign_in_sheet.css`` by
WeasyPrint, whose Pango/HarfBuzz text layout shapes Arabic and orders right-to-left text
correctly (names are stored in logical order and stay so in the PDF's text layer). The page
reads right to left when the active language is Arabic.

System packages: WeasyPrint needs Pango (Debian ``libpango-1.0-0`` ``libpangoft2-1.0-0``) and
a font with Arabic letters (``fonts-noto-core`` or ``fonts-hosny-amiri``); see the README.
WeasyPrint is imported only when a PDF is asked for, so the rest of the site runs without them.

PRE-FILLED SHEETS HOLD PERSONAL DATA (names and organisations): staff only.
"""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import get_language, get_language_bidi

from config.wording import join_list
from organizations.models import Organization
from workshops.models import Participation, WorkshopPartner

# Rows left empty under the pre-filled names, for walk-ins.
WALK_IN_ROWS = 5
# Rows of a blank sheet when the workshop gives no expected number of participants.
BLANK_ROWS = 25
STYLESHEET = "css/sign_in_sheet.css"


class SignInSheetRow:
    """One line of the sheet: ``name`` and ``organization`` (str, empty on blank lines)."""

    def __init__(self, name="", organization=""):
        self.name = name
        self.organization = organization


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


def sign_in_rows(workshop, prefill=True):
    """The sheet's lines: with ``prefill``, one per participation not cancelled (by name)
    followed by ``WALK_IN_ROWS`` empty lines; else ``expected_participants`` (or
    ``BLANK_ROWS``) empty lines. Returns ``(rows, number of pre-filled names)``."""
    if not prefill:
        return [SignInSheetRow() for _i in range(workshop.expected_participants or BLANK_ROWS)], 0
    participations = (
        workshop.participations.exclude(status=Participation.Status.CANCELLED)
        .select_related("person", "organization")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    rows = [
        SignInSheetRow(p.person.full_name, p.organization.name if p.organization else "")
        for p in participations
    ]
    return rows + [SignInSheetRow() for _i in range(WALK_IN_ROWS)], len(rows)


def sign_in_html(workshop, prefill=True):
    """The sheet as an HTML string (what WeasyPrint lays out); ``(html, names)``."""
    rows, names = sign_in_rows(workshop, prefill)
    venue = join_list(part for part in (workshop.venue, workshop.city) if part)
    context = {
        "workshop": workshop,
        "venue": venue,
        "funders": funders_of(workshop),
        "sessions": list(workshop.sessions.all()),
        "rows": rows,
        "LANGUAGE_CODE": get_language(),
        "LANGUAGE_BIDI": get_language_bidi(),
    }
    return render_to_string("reports/sign_in_sheet.html", context), names


def _refuse_fetch(url, *args, **kwargs):
    """WeasyPrint URL fetcher: the sheet needs no outside resource, so none is ever loaded."""
    raise ValueError(f"the sign-in sheet loads no resources ({url!r} refused)")


def render_sign_in_sheet(workshop, prefill=True):
    """Render the sign-in sheet of ``workshop`` as PDF bytes, in the active language.

    One signature column per session (a single one when the workshop has no sessions);
    organiser and funders named in the heading. Returns ``(pdf bytes, number of pre-filled
    names)``. Raises OSError when Pango is missing (see the module docstring).
    """
    from weasyprint import CSS, HTML

    html, names = sign_in_html(workshop, prefill)
    stylesheet = CSS(filename=finders.find(STYLESHEET))
    pdf = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(stylesheets=[stylesheet])
    return pdf, names
