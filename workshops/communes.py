"""Figures of the public commune pages, and the activity of many communes at once (region and
province pages). Counts of people go through ``workshops.publication``; a commune page and a
list of communes each run a fixed number of queries whatever the data size."""

from collections import Counter, defaultdict

from django.db.models import Count

from workshops import publication, reports
from workshops.models import Commitment, Workshop


def commune_figures(commune):
    """What a commune page shows about ``commune`` (a ``regions.Commune``), as a dict:
    ``workshops`` (published workshops held in or aimed at it, newest first, each with
    ``participants`` already published: ``publication.workshop_total``, None when hidden),
    ``commitments`` (public commitments concerning it, with progress), ``organizations``
    (``reports.active_organizations`` based in it), ``committees`` (public monitoring committees
    covering it) and ``participants`` (distinct counted people whose commune of origin it is,
    None when small: ``publication.suppress``). QuerySets are not evaluated here; the count is
    one query."""
    people = reports.public_participations().filter(person__commune=commune)
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
        "participants": publication.suppress(people.values("person").distinct().count()),
    }


def activity(communes):
    """The activity of each commune of the QuerySet ``communes``: a list of dicts in the
    QuerySet's order with ``commune``, ``workshops`` (published workshops held in or aimed at
    it, each counted once), ``commitments`` (public commitments concerning it) and
    ``organizations`` (active organisations based in it). Five queries however many communes
    (grouped counts, no query per commune)."""
    communes = list(communes.select_related("province"))
    ids = [commune.pk for commune in communes]
    published = Workshop.objects.published().order_by()
    pairs = set(published.filter(venue_commune__in=ids).values_list("pk", "venue_commune"))
    pairs |= set(
        Workshop.target_communes.through.objects.filter(commune__in=ids, workshop__in=published).values_list(
            "workshop_id", "commune_id"
        )
    )
    workshops = Counter(commune_id for _workshop, commune_id in pairs)
    commitments = dict(
        Commitment.target_communes.through.objects.filter(
            commune__in=ids, commitment__in=Commitment.objects.public()
        )
        .order_by()
        .values_list("commune_id")
        .annotate(n=Count("commitment_id", distinct=True))
    )
    organizations = dict(
        reports.active_organizations()
        .filter(commune__in=ids)
        .order_by()
        .values_list("commune_id")
        .annotate(n=Count("pk"))
    )
    return [
        {
            "commune": commune,
            "workshops": workshops[commune.pk],
            "commitments": commitments.get(commune.pk, 0),
            "organizations": organizations.get(commune.pk, 0),
        }
        for commune in communes
    ]


def with_activity(rows):
    """The rows of ``activity()`` that have any activity, most active first (list)."""
    busy = [row for row in rows if row["workshops"] or row["commitments"] or row["organizations"]]
    return sorted(busy, key=lambda row: (-row["workshops"], -row["commitments"], -row["organizations"]))


def by_province(provinces, rows):
    """``provinces`` (a QuerySet) as a list, each with ``commune_rows``: its rows of ``rows``
    (``activity()``), in their order. No query besides the provinces'."""
    grouped = defaultdict(list)
    for row in rows:
        grouped[row["commune"].province_id].append(row)
    provinces = list(provinces)
    for province in provinces:
        province.commune_rows = grouped[province.pk]
    return provinces
