"""Public tracker figures: what became of the recommendations and commitments.

All functions take public querysets (``Commitment.objects.public()``…) or build them, and run a
fixed number of queries whatever the data size. No personal data: organisations and regions only.
"""

from collections import Counter, defaultdict

from django.db.models import Avg, Count, F

from organizations.models import Organization
from regions.models import Region
from workshops import reports
from workshops.models import Commitment, ProgressStatus, Project, Recommendation, Workshop, overdue_condition
from workshops.reports import status_counts


def public_commitments():
    """Commitments of published workshops, with progress annotated and related rows joined."""
    return (
        Commitment.objects.public()
        .with_progress()
        .select_related("recommendation__workshop")
        .prefetch_related("responsible_organizations", "target_regions")
    )


def _by_status(queryset, key):
    """Count ``queryset`` rows by ``key`` and status: ``{key value: {status: n}}`` (one query)."""
    table = defaultdict(dict)
    rows = queryset.order_by().values_list(key, "status").annotate(n=Count("pk", distinct=True))
    for value, status, n in rows:
        if value is not None:
            table[value][status] = n
    return table


def _leaders(table, limit):
    """The part of ``table`` (``{pk: {status: n}}``) that can make its top ``limit`` rows: the
    keys whose total reaches the ``limit``-th largest (ties kept, so that ``_rows`` breaks them
    by label). Fetching only those keeps one query per table whatever the data size (SQLite
    splits ``in_bulk`` of more than 999 keys)."""
    totals = {pk: sum(counts.values()) for pk, counts in table.items()}
    if len(totals) <= limit:
        return table
    threshold = sorted(totals.values(), reverse=True)[limit - 1]
    return {pk: counts for pk, counts in table.items() if totals[pk] >= threshold}


def _rows(table, objects, label):
    """Turn ``{pk: {status: n}}`` into sorted rows ``{"object", "label", "counts", "total"}``.

    ``counts`` is a list of ``(status value, status label, n)`` in the scale's order.
    """
    rows = []
    for pk, counts in table.items():
        obj = objects.get(pk)
        if obj is None:
            continue
        rows.append(
            {
                "object": obj,
                "label": label(obj),
                "counts": [(value, name, counts.get(value, 0)) for value, name in ProgressStatus.choices],
                "total": sum(counts.values()),
            }
        )
    rows.sort(key=lambda row: (-row["total"], str(row["label"])))
    return rows


def _commitment_tables(commitments, today):
    """``commitments`` counted by status in one grouped query (by workshop, its project and
    status, with the overdue ones counted alongside): ``(by_workshop, by_project, by_status,
    overdue_count)``, the first two as ``_by_status`` returns them, ``by_status`` ``{status:
    n}``. Grouping once and summing here saves three scans of the commitments, which the first
    visitor after every follow-up pays for."""
    rows = (
        commitments.rewrite(False)
        .order_by()
        .values_list("recommendation__workshop", "recommendation__workshop__project", "status")
        .annotate(n=Count("pk"), late=Count("pk", filter=overdue_condition(today)))
    )
    by_workshop, by_project = defaultdict(dict), defaultdict(Counter)
    by_status, overdue_count = Counter(), 0
    for workshop, project, status, n, late in rows:
        by_workshop[workshop][status] = n
        if project is not None:
            by_project[project][status] += n
        by_status[status] += n
        overdue_count += late
    return by_workshop, {pk: dict(counts) for pk, counts in by_project.items()}, by_status, overdue_count


def _overdue(commitments, today):
    """The 20 overdue ``commitments`` due first, with progress: the 20 are chosen before their
    milestones are summed (summing every overdue commitment's first cost a third of a second at
    a national scale)."""
    first = commitments.overdue(today).order_by("due_date", "pk").values("pk")[:20]
    return list(
        Commitment.objects.filter(pk__in=first)
        .with_progress()
        .select_related("recommendation__workshop")
        .order_by("due_date", "pk")
    )


def _average_progress():
    """Mean progress, in percent (float), of the public commitments that have milestones; None
    when none has. One query over every milestone."""
    progress = Commitment.objects.public().with_progress().filter(milestone_weight__gt=0)
    return progress.aggregate(value=Avg(F("done_weight") * 100.0 / F("milestone_weight")))["value"]


def dashboard(today=None):
    """Figures for the public tracker page.

    Returns a dict:
    - ``commitments_by_status``, ``recommendations_by_status``: lists of (value, label, n);
    - ``commitment_total`` (int), ``average_progress`` (int percent or None: mean of the
      commitments that have milestones);
    - ``overdue`` (list of at most 20 overdue commitments, oldest due first) and
      ``overdue_count``;
    - ``by_region``, ``by_organization``, ``by_workshop``, ``by_project``: rows as ``_rows``
      returns, regions in code order, the others by number of commitments.
    ``today`` (a date) defaults to today in Africa/Casablanca. Ten queries at most.

    The average progress is cached (``reports.cached(..., content=True)``) under the generation
    that only the admin's edits move: a follow-up changes a status and a change of who attended
    changes people, never a milestone nor which commitments are public. The rest changes with a
    follow-up and is counted live, in as few scans as possible.
    """
    commitments = Commitment.objects.public()
    through_regions = Commitment.target_regions.through.objects.filter(commitment__in=commitments)
    through_orgs = Commitment.responsible_organizations.through.objects.filter(commitment__in=commitments)
    by_region = _by_status(through_regions.annotate(status=F("commitment__status")), "region_id")
    by_org = _by_status(through_orgs.annotate(status=F("commitment__status")), "organization_id")
    by_org = _leaders(by_org, 20)
    by_workshop, by_project, by_status, overdue_count = _commitment_tables(commitments, today)
    by_workshop = _leaders(by_workshop, 20)
    regions = Region.objects.in_bulk(list(by_region))
    organizations = Organization.objects.in_bulk(list(by_org))
    workshops = Workshop.objects.in_bulk(list(by_workshop))
    projects = Project.objects.in_bulk(list(by_project))
    region_rows = _rows(by_region, regions, lambda r: r.name)
    region_rows.sort(key=lambda row: row["object"].code)
    average = reports.cached("tracker:average-progress", _average_progress, localized=False, content=True)
    return {
        "commitments_by_status": [(value, name, by_status[value]) for value, name in ProgressStatus.choices],
        "recommendations_by_status": status_counts(Recommendation.objects.public()),
        "commitment_total": sum(by_status.values()),
        "average_progress": round(average) if average is not None else None,
        "overdue": _overdue(commitments, today),
        "overdue_count": overdue_count,
        "by_region": region_rows,
        "by_organization": _rows(by_org, organizations, str)[:20],
        "by_workshop": _rows(by_workshop, workshops, lambda w: w.title)[:20],
        "by_project": _rows(by_project, projects, lambda p: p.name),
    }
