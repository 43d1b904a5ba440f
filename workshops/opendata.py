"""Open data: recommendations and commitments with their status, as CSV and JSON.

Only public fields, never personal data: no person, no staff account, no contact. Organisations
and regions are public. Rows come from published workshops only. Labels follow the active
language; codes (status values, region codes ``01``-``12``) do not.
"""

import csv
import io
import json
from collections import defaultdict

from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from workshops.communes import commune_figures
from workshops.models import Commitment, FollowUp, ProgressStatus, Recommendation, Workshop
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


def _joined(through, owner, value, owners, separator):
    """``{owner id: "value<separator>value…"}`` of a many-to-many's ``through`` model, for the
    owners in the QuerySet ``owners``: one query, each list in the related model's order
    (``value``, e.g. ``"region__code"``, then the related row's id)."""
    related = value.split("__")[0]
    rows = (
        through.objects.filter(**{f"{owner}__in": owners.values("pk")})
        .order_by(value, f"{related}_id")
        .values_list(f"{owner}_id", value)
    )
    joined = defaultdict(list)
    for owner_id, text in rows:
        joined[owner_id].append(text)
    return {owner_id: separator.join(texts) for owner_id, texts in joined.items()}


def _regions_and_organisations(owners, owner):
    """The target regions' codes and the responsible organisations' names of the QuerySet
    ``owners`` (recommendations or commitments: ``owner``), as two ``_joined`` dicts."""
    model = owners.model
    return (
        _joined(model.target_regions.through, owner, "region__code", owners, " "),
        _joined(model.responsible_organizations.through, owner, "organization__name", owners, " | "),
    )


def _workshops(owners, path, base_url):
    """The workshops of the QuerySet ``owners`` (``path``: the lookup to their workshop id),
    ``{id: (title, page link, start date)}``, each read once however many rows name it."""
    return {
        w.pk: (w.title, base_url + w.get_absolute_url(), w.start_date.isoformat())
        for w in Workshop.objects.filter(pk__in=owners.values(path))
    }


def _link(name, base_url):
    """A function of a primary key giving ``base_url`` and the path of the URL ``name`` (whose
    one argument is ``pk``), reversed once rather than for each of thousands of rows."""
    marker = 987654321
    head, tail = reverse(name, kwargs={"pk": marker}).split(str(marker))
    return lambda pk: f"{base_url}{head}{pk}{tail}"


def _labels(choices):
    """``{value: label}`` of a ``TextChoices`` class in the active language, translated once."""
    return {value: str(label) for value, label in choices.choices}


def _status(row, labels):
    return labels.get(row.status, row.status)


def recommendation_rows(base_url=""):
    """Public recommendations as dicts with ``RECOMMENDATION_FIELDS`` keys (four queries,
    whatever their number: the regions, organisations and workshops are read once for all,
    not prefetched row by row).

    ``base_url`` (e.g. ``"https://tracker.example.org"``) prefixes the page links.
    """
    today = timezone.localdate()
    public = Recommendation.objects.public()
    regions, organisations = _regions_and_organisations(public, "recommendation")
    workshops = _workshops(public, "workshop", base_url)
    link, labels = _link("workshops:recommendation", base_url), _labels(ProgressStatus)
    commitments = Commitment.objects.filter(recommendation=OuterRef("pk")).order_by().values("recommendation")
    queryset = public.annotate(
        commitment_count=Coalesce(Subquery(commitments.annotate(n=Count("pk")).values("n")), 0)
    ).order_by("workshop__start_date", "workshop_id", "position")
    for r in queryset.iterator(chunk_size=2000):
        title, workshop_url, start = workshops[r.workshop_id]
        yield {
            "id": r.pk,
            "url": link(r.pk),
            "workshop": title,
            "workshop_url": workshop_url,
            "workshop_start_date": start,
            "number": r.position,
            "text": r.text,
            "status": r.status,
            "status_label": _status(r, labels),
            "due_date": r.due_date.isoformat() if r.due_date else "",
            "overdue": r.is_overdue(today),
            "target_regions": regions.get(r.pk, ""),
            "responsible_organisations": organisations.get(r.pk, ""),
            "commitments": r.commitment_count,
        }


def commitment_rows(base_url=""):
    """Public commitments as dicts with ``COMMITMENT_FIELDS`` keys (four queries, whatever
    their number).

    ``progress`` is the weighted milestone completion in percent, or ``""`` without milestones;
    ``last_update`` the date of the newest follow-up, or ``""``.
    """
    today = timezone.localdate()
    public = Commitment.objects.public()
    regions, organisations = _regions_and_organisations(public, "commitment")
    workshops = _workshops(public, "recommendation__workshop", base_url)
    link, labels = _link("workshops:commitment", base_url), _labels(ProgressStatus)
    recommendation_link = _link("workshops:recommendation", base_url)
    latest = FollowUp.objects.filter(commitment=OuterRef("pk")).order_by("-date").values("date")[:1]
    queryset = (
        public.with_progress()
        .annotate(last_update=Subquery(latest), workshop_id=F("recommendation__workshop_id"))
        .order_by("recommendation__workshop__start_date", "recommendation_id", "position")
    )
    for c in queryset.iterator(chunk_size=2000):
        yield {
            "id": c.pk,
            "url": link(c.pk),
            "recommendation_id": c.recommendation_id,
            "recommendation_url": recommendation_link(c.recommendation_id),
            "workshop": workshops[c.workshop_id][0],
            "number": c.position,
            "title": c.title,
            "status": c.status,
            "status_label": _status(c, labels),
            "progress": "" if c.progress is None else c.progress,
            "due_date": c.due_date.isoformat() if c.due_date else "",
            "overdue": c.is_overdue(today),
            "target_regions": regions.get(c.pk, ""),
            "responsible_organisations": organisations.get(c.pk, ""),
            "last_update": c.last_update.isoformat() if c.last_update else "",
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
