"""Open data: every action programme's projects, as CSV and JSON (``workshops.opendata``'s
writers: UTF-8 CSV with neutralised formulas, JSON with licence and fields).

Public facts only: communes, programmes, projects, statuses, the newest observation's status and
date and the flag; no person. Labels follow the active language; codes (statuses, HCP codes) do
not. Illustrative example rows say so in ``illustrative``."""

from programmes.models import Project
from workshops import opendata as workshops_opendata

FIELDS = [
    "id",
    "url",
    "programme_url",
    "commune_code",
    "commune_fr",
    "commune_ar",
    "province_code",
    "region_code",
    "programme_start_year",
    "programme_end_year",
    "programme_adopted_on",
    "illustrative",
    "number",
    "title",
    "sector",
    "estimated_cost_mad",
    "start_year",
    "end_year",
    "partners",
    "location",
    "status",
    "status_label",
    "progress",
    "reported_status",
    "reported_on",
    "observed_status",
    "observed_on",
    "flagged",
]


def _partners(project):
    names = [organization.name for organization in project.partner_organizations.all()]
    return " | ".join([*names, project.partners_text] if project.partners_text else names)


def rows(base_url=""):
    """Projects as dicts with ``FIELDS`` keys, by commune and number (3 queries in all);
    ``base_url`` prefixes the page links."""
    projects = (
        Project.objects.with_flags()
        .select_related("programme__commune__province__region")
        .prefetch_related("partner_organizations")
        .order_by("programme__commune__code", "programme__start_year", "position")
    )
    for p in projects:
        programme, commune = p.programme, p.programme.commune
        yield {
            "id": p.pk,
            "url": base_url + p.get_absolute_url(),
            "programme_url": base_url + programme.get_absolute_url(),
            "commune_code": commune.code,
            "commune_fr": commune.name_fr,
            "commune_ar": commune.name_ar,
            "province_code": commune.province.code,
            "region_code": commune.province.region.code,
            "programme_start_year": programme.start_year,
            "programme_end_year": programme.end_year,
            "programme_adopted_on": programme.adopted_on.isoformat() if programme.adopted_on else "",
            "illustrative": programme.is_illustrative,
            "number": p.position,
            "title": p.title,
            "sector": p.sector,
            "estimated_cost_mad": "" if p.estimated_cost is None else str(p.estimated_cost),
            "start_year": p.start_year or "",
            "end_year": p.end_year or "",
            "partners": _partners(p),
            "location": p.location,
            "status": p.status,
            "status_label": str(p.get_status_display()),
            "progress": p.progress,
            "reported_status": p.reported_status,
            "reported_on": p.reported_on.isoformat() if p.reported_on else "",
            "observed_status": p.observed_status or "",
            "observed_on": p.observed_on.isoformat() if p.observed_on else "",
            "flagged": p.is_flagged,
        }


def as_csv(base_url=""):
    """The projects as CSV bytes."""
    return workshops_opendata.as_csv(rows(base_url), FIELDS)


def as_json(base_url=""):
    """The projects as JSON bytes (``workshops.opendata.as_json``)."""
    return workshops_opendata.as_json(rows(base_url), FIELDS, "action-programme-projects")
