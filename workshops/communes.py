"""Figures of the public commune pages, and the activity of many communes at once (region and
province pages). Counts of people go through ``workshops.publication``; a commune page and a
list of communes each run a fixed number of queries whatever the data size."""

import hashlib
from collections import defaultdict

from django.db.models import IntegerField, Value
from django.utils.translation import get_language

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


# What each row of ``_activity_items`` counts, by its ``kind`` column.
_WORKSHOP, _COMMITMENT, _ORGANIZATION = 0, 1, 2


def _activity_items(communes):
    """``(commune_id, item_id, kind)`` rows of the QuerySet ``communes``' activity, in one
    UNION ALL query: the published workshops held in each (kind ``_WORKSHOP``) and aimed at it
    (the same kind: a workshop held in and aimed at a commune comes twice), the public
    commitments concerning it (``_COMMITMENT``) and the active organisations based in it
    (``_ORGANIZATION``). A few thousand rows at a national scale, one scan of each table: the
    correlated subqueries per commune it replaces cost 0.2-0.7 s for a large region on SQLite."""
    ids = communes.order_by().values("pk")

    def kind(queryset, number, *columns):
        # The constant last: Django selects annotations after the fields. ``rewrite(False)``:
        # django-modeltranslation's values_list would put it first, out of line with the others.
        numbered = queryset.order_by().annotate(activity_kind=Value(number, IntegerField()))
        return numbered.values_list(*columns, "activity_kind")

    # Joins from the published workshops and public commitments to the communes asked, not
    # "IN (every public commitment)": SQLite would build that whole list first.
    published = Workshop.objects.published().rewrite(False)
    held = kind(published.filter(venue_commune__in=ids), _WORKSHOP, "venue_commune", "pk")
    aimed = kind(published.filter(target_communes__in=ids), _WORKSHOP, "target_communes", "pk")
    concerned = Commitment.objects.public().rewrite(False).filter(target_communes__in=ids)
    organizations = reports.active_organizations().filter(commune__in=ids)
    return held.union(
        aimed,
        kind(concerned, _COMMITMENT, "target_communes", "pk"),
        kind(organizations, _ORGANIZATION, "commune", "pk"),
        all=True,
    )


def activity(communes):
    """The activity of each commune of the QuerySet ``communes``: a list of dicts in the
    QuerySet's order with ``commune`` (its province and region selected), ``workshops``
    (published workshops held in or aimed at it, each counted once), ``commitments`` (public
    commitments concerning it) and ``organizations`` (active organisations based in it). Two
    queries however many communes: the communes, and their activity (``_activity_items``)
    counted here."""
    items = defaultdict(set)
    for commune_id, item_id, kind in _activity_items(communes):
        items[commune_id, kind].add(item_id)
    return [
        {
            "commune": row,
            "workshops": len(items[row.pk, _WORKSHOP]),
            "commitments": len(items[row.pk, _COMMITMENT]),
            "organizations": len(items[row.pk, _ORGANIZATION]),
        }
        for row in communes.select_related("province__region")
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


def fingerprint(rows):
    """A digest (hex str) of all that a table of ``rows`` (``activity()``) shows, in the active
    language: every stored field of their communes and provinces, and their counts. Rendered
    HTML cached under it (the region page's communes) never needs forgetting: any change to what
    it shows (a workshop published, moved or aimed, a commitment, an organisation becoming
    active, a commune renamed) gives another digest. No query."""
    digest = hashlib.sha256(str(get_language()).encode())
    for row in rows:
        commune = row["commune"]
        values = [row["workshops"], row["commitments"], row["organizations"]]
        for obj in (commune, commune.province):
            values += [getattr(obj, field.attname) for field in obj._meta.concrete_fields]
        digest.update(repr(values).encode())
    return digest.hexdigest()
