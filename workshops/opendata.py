"""Open data: recommendations and commitments with their status, as CSV and JSON.

Only public fields, never personal data: no person, no staff account, no contact. Organisations
and regions are public. Rows come from published workshops only. Labels follow the active
language; codes (status values, region codes ``01``-``12``) do not.
"""

import csv
import io
import json

from django.utils import timezone

from workshops.communes import commune_figures
from workshops.models import Commitment, Recommendation
from workshops.publication import workshop_total
from workshops.spreadsheets import neutralize

LICENCE = "ODbL-1.0 (Open Data Commons Open Database License)"

RECOMMENDATION_FIELDS = [
    "id",
    "url",
    "workshop",
    "workshop_url",
    "workshop_start_date",
    "number",
    "text",
    "status",
    "status_label",
    "due_date",
    "overdue",
    "target_regions",
    "responsible_organisations",
    "commitments",
]
COMMITMENT_FIELDS = [
    "id",
    "url",
    "recommendation_id",
    "recommendation_url",
    "workshop",
    "number",
    "title",
    "status",
    "status_label",
    "progress",
    "due_date",
    "overdue",
    "target_regions",
    "responsible_organisations",
    "last_update",
]


def _codes(regions):
    return " ".join(region.code for region in regions)


def _names(organizations):
    return " | ".join(organization.name for organization in organizations)


def recommendation_rows(base_url=""):
    """Public recommendations as dicts with ``RECOMMENDATION_FIELDS`` keys (fixed query count).

    ``base_url`` (e.g. ``"https://tracker.example.org"``) prefixes the page links.
    """
    today = timezone.localdate()
    queryset = (
        Recommendation.objects.public()
        .select_related("workshop")
        .prefetch_related("target_regions", "responsible_organizations", "commitments")
        .order_by("workshop__start_date", "workshop_id", "position")
    )
    for r in queryset:
        yield {
            "id": r.pk,
            "url": base_url + r.get_absolute_url(),
            "workshop": r.workshop.title,
            "workshop_url": base_url + r.workshop.get_absolute_url(),
            "workshop_start_date": r.workshop.start_date.isoformat(),
            "number": r.position,
            "text": r.text,
            "status": r.status,
            "status_label": str(r.get_status_display()),
            "due_date": r.due_date.isoformat() if r.due_date else "",
            "overdue": r.is_overdue(today),
            "target_regions": _codes(r.target_regions.all()),
            "responsible_organisations": _names(r.responsible_organizations.all()),
            "commitments": len(r.commitments.all()),
        }


def commitment_rows(base_url=""):
    """Public commitments as dicts with ``COMMITMENT_FIELDS`` keys (fixed query count).

    ``progress`` is the weighted milestone completion in percent, or ``""`` without milestones;
    ``last_update`` the date of the newest follow-up, or ``""``.
    """
    today = timezone.localdate()
    queryset = (
        Commitment.objects.public()
        .with_progress()
        .select_related("recommendation__workshop")
        .prefetch_related("target_regions", "responsible_organizations", "follow_ups")
        .order_by("recommendation__workshop__start_date", "recommendation_id", "position")
    )
    for c in queryset:
        updates = [f.date for f in c.follow_ups.all()]
        yield {
            "id": c.pk,
            "url": base_url + c.get_absolute_url(),
            "recommendation_id": c.recommendation_id,
            "recommendation_url": base_url + c.recommendation.get_absolute_url(),
            "workshop": c.recommendation.workshop.title,
            "number": c.position,
            "title": c.title,
            "status": c.status,
            "status_label": str(c.get_status_display()),
            "progress": "" if c.progress is None else c.progress,
            "due_date": c.due_date.isoformat() if c.due_date else "",
            "overdue": c.is_overdue(today),
            "target_regions": _codes(c.target_regions.all()),
            "responsible_organisations": _names(c.responsible_organizations.all()),
            "last_update": max(updates).isoformat() if updates else "",
        }


def as_csv(rows, fields):
    """Rows as CSV bytes: UTF-8 with byte-order mark, formula-like cells neutralised."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    for row in rows:
        writer.writerow({key: neutralize(value) for key, value in row.items()})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_json(rows, fields, name):
    """Rows as JSON bytes: ``{"dataset", "generated_at", "licence", "fields", "rows"}``."""
    document = {
        "dataset": name,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "licence": LICENCE,
        "fields": fields,
        "rows": list(rows),
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


COMMUNE_FIELDS = [
    "commune_code",
    "commune",
    "item",
    "id",
    "url",
    "title",
    "date",
    "status",
    "status_label",
    "participants",
    "progress",
]


def commune_rows(commune, base_url=""):
    """What a commune page lists, as dicts with ``COMMUNE_FIELDS`` keys (fixed query count):
    one row per published workshop held in or aimed at ``commune`` (``item`` ``"workshop"``,
    ``participants`` through the publication rule, ``""`` when hidden), per public commitment
    concerning it (``"commitment"``, ``progress`` in percent or ``""``) and per active
    organisation based in it (``"organisation"``). Names of people never appear."""
    figures = commune_figures(commune)
    blank = dict.fromkeys(COMMUNE_FIELDS, "")
    common = {**blank, "commune_code": commune.code, "commune": commune.name_fr}
    for w in figures["workshops"]:
        participants = workshop_total(w.participants)
        yield {
            **common,
            "item": "workshop",
            "id": w.pk,
            "url": base_url + w.get_absolute_url(),
            "title": w.title,
            "date": w.start_date.isoformat(),
            "status": w.status,
            "status_label": str(w.get_status_display()),
            "participants": "" if participants is None else participants,
        }
    for c in figures["commitments"]:
        yield {
            **common,
            "item": "commitment",
            "id": c.pk,
            "url": base_url + c.get_absolute_url(),
            "title": c.title,
            "date": c.due_date.isoformat() if c.due_date else "",
            "status": c.status,
            "status_label": str(c.get_status_display()),
            "progress": "" if c.progress is None else c.progress,
        }
    for o in figures["organizations"]:
        yield {**common, "item": "organisation", "id": o.pk, "title": o.name}
