"""Figures of the public commune pages, and the activity of many communes at once (region and
province pages). Counts of people go through ``workshops.publication``; a commune page and a
list of communes each run a fixed number of queries whatever the data size."""

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from workshops import publication, reports
from workshops.models import Commitment, Reached, Workshop


def commune_figures(commune):
    """What a commune page shows about ``commune`` (a ``regions.Commune``), as a dict:
    ``workshops`` (published workshops held in or aimed at it, newest first, each with
    ``participants`` already published: ``publication.workshop_total``, None when hidden),
    ``commitments`` (public commitments concerning it, with progress), ``organizations``
    (``reports.active_organizations`` based in it), ``committees`` (public monitoring committees
    covering it) and ``participants`` (distinct counted people whose commune of origin it is,
    None when small: ``publication.suppress``; from the summary table ``Reached``). QuerySets
    are not evaluated here; the count is one query."""
    return {
        "workshops": reports.with_participant_counts(
            Workshop.objects.published().concerning_commune(commune).select_related("venue_commune")
        ),
        "commitments": Commitment.objects.public()
        .concerning_commune(commune)
        .with_progress()
        .order_by("due_date", "pk"),
        "organizations": reports.active_organizations().filter(commune=commune).order_by("name"),
        "committees": commune.committees.public(),
        "participants": publication.suppress(Reached.objects.filter(commune=commune).count()),
    }


def _count(queryset):
    """``queryset`` (filtered on ``OuterRef``) as a correlated subquery of its row count, 0 for none."""
    counted = queryset.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def activity(communes):
    """The activity of each commune of the QuerySet ``communes``: a list of dicts in the
    QuerySet's order with ``commune`` (its province and region selected), ``workshops``
    (published workshops held in or aimed at it, each counted once), ``commitments`` (public
    commitments concerning it) and ``organizations`` (active organisations based in it). One
    query however many communes: the counts are correlated subqueries, not a query per commune."""
    commune = OuterRef("pk")
    published = Workshop.objects.published()
    aimed = Workshop.target_communes.through.objects.filter(commune=commune, workshop__in=published)
    rows = communes.select_related("province__region").annotate(
        held_count=_count(published.filter(venue_commune=commune)),
        # Aimed at it and held elsewhere (or nowhere said): a workshop counts once.
        aimed_count=_count(aimed.exclude(workshop__venue_commune=commune)),
        commitment_count=_count(
            Commitment.target_communes.through.objects.filter(
                commune=commune, commitment__in=Commitment.objects.public()
            )
        ),
        organization_count=_count(reports.active_organizations().filter(commune=commune)),
    )
    return [
        {
            "commune": row,
            "workshops": row.held_count + row.aimed_count,
            "commitments": row.commitment_count,
            "organizations": row.organization_count,
        }
        for row in rows
    ]


def with_activity(rows):
    """The rows of ``activity()`` that have any activity, most active first (list)."""
    busy = [row for row in rows if row["workshops"] or row["commitments"] or row["organizations"]]
    return sorted(busy, key=lambda row: (-row["workshops"], -row["commitments"], -row["organizations"]))


def by_province(rows):
    """The provinces of ``rows`` (``activity()``), in the order they first appear, each with
    ``commune_rows``: its rows, in their order. No query: the provinces come with the communes."""
    provinces = {}
    for row in rows:
        province = provinces.setdefault(row["commune"].province_id, row["commune"].province)
        province.__dict__.setdefault("commune_rows", []).append(row)
    return list(provinces.values())
