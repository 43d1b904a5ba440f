"""The public summary tables (``WorkshopPeople``, ``WorkshopMargin``, ``WorkshopSender``,
``Reached``), kept in step with every write that changes a public count, in the same transaction
as that write. ``WorkshopMargin`` holds what the publication rule decided for each workshop's own
table (``publication.workshop_margins``), so that the country's table sums those decisions in one
query instead of deciding every workshop again.

Why tables and not only a cache: at a national scale (150,000 people, 552,314 participations) the
distinct people reached and the active organisations are counts over every participation, which
the first visitor after any edit used to wait for (0.35-4.8 s). Here a write refreshes only the
rows of the workshops and people it touched (a few queries, whatever the data size), and the
public figures (``workshops.reports``) are GROUP BYs over these small tables.

The counting rules stay in one place: the rows are computed with ``Participation.objects
.counted()`` and ``in_published_workshops()`` (their conditions, ``models.COUNTED`` and
``models.IN_PUBLISHED_WORKSHOPS``, for the data migration); the publication rule
(``workshops.publication``) still applies on top when a figure is shown.

Writes are caught where they happen: ``save``/``delete`` signals of participations, workshops,
people and organisations (``connect``), the bulk paths of ``ParticipationQuerySet`` (``update``,
``bulk_create``, ``bulk_update``, ``delete``), and explicit ``mark`` calls where other bulk
writes change what is counted (``attendance.apply``). ``batch()`` gathers the marks of many
writes into one refresh. ``rebuild()`` (``manage.py rebuild_public_figures``) makes the tables
again from scratch; the tests check that it and the incremental refreshes agree.
"""

import threading
from collections import defaultdict
from contextlib import contextmanager

from django.apps import apps as installed_apps
from django.db import connections, router, transaction
from django.db.models import Count, Exists, OuterRef, Sum
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from workshops import publication
from workshops.models import COUNTED, IN_PUBLISHED_WORKSHOPS, PUBLISHED_HELD

# Ids a query names at most (SQLite allows 999 parameters in older builds).
CHUNK = 500
# Rows a bulk insert writes at most.
WRITE_BATCH = 2_000

_state = threading.local()


def _pending():
    """This thread's marks not refreshed yet: ``workshops`` and ``people`` (sets of ids),
    ``organizations`` (ids whose sender rows to redo), ``going`` (("workshop"|"person", id) being
    deleted), ``depth`` (open ``batch()`` blocks)."""
    if not hasattr(_state, "depth"):
        _state.workshops, _state.people, _state.organizations = set(), set(), set()
        _state.going, _state.depth = set(), 0
    return _state


@contextmanager
def batch():
    """Gather the marks made inside the block into one refresh at its end (nested blocks: at the
    end of the outermost). An exception drops the marks: its transaction is being rolled back."""
    state = _pending()
    state.depth += 1
    try:
        yield
    except BaseException:
        state.depth -= 1
        if state.depth == 0:
            state.workshops.clear(), state.people.clear(), state.organizations.clear()
        raise
    state.depth -= 1
    if state.depth == 0:
        flush()


def mark(workshops=(), people=(), organizations=(), now=True):
    """Note that the counts of ``workshops``, the reach of ``people`` (ids; None ignored) and the
    sender rows of ``organizations`` must be refreshed; refresh at once when ``now`` and outside
    a ``batch()``."""
    state = _pending()
    state.workshops.update(pk for pk in workshops if pk is not None)
    state.people.update(pk for pk in people if pk is not None)
    state.organizations.update(pk for pk in organizations if pk is not None)
    if now and state.depth == 0:
        flush()


def mark_participations(participations, now=False):
    """``mark`` the workshops and people of the QuerySet ``participations`` (one query)."""
    pairs = list(participations.order_by().values_list("workshop_id", "person_id"))
    mark(workshops={w for w, _p in pairs}, people={p for _w, p in pairs}, now=now)


def mark_people_changed(people, now=True):
    """``mark`` ``people`` (ids) whose region, commune or gender may have changed, with every
    workshop they took part in (their counts by region and gender). One query."""
    Participation = installed_apps.get_model("workshops", "Participation")
    people = [pk for pk in people if pk is not None]
    workshops = set()
    for chunk in _chunks(people):
        workshops.update(
            Participation.objects.filter(person__in=chunk).order_by().values_list("workshop_id", flat=True)
        )
    mark(workshops=workshops, people=people, now=now)


def flush():
    """Refresh the rows of everything marked so far, in the current transaction."""
    state = _pending()
    workshops, people, organizations = state.workshops, state.people, state.organizations
    state.workshops, state.people, state.organizations = set(), set(), set()
    if workshops:
        refresh_workshops(workshops)
    if people:
        refresh_people(people)
    if organizations:
        refresh_organizations(organizations)


def _chunks(ids):
    ids = sorted(ids)
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


def _locked(model, ids):
    """``ids`` in chunks, each once its rows of ``model`` are locked (PostgreSQL; SQLite has one
    writer at a time anyway), so that two refreshes of the same rows cannot both insert."""
    for chunk in _chunks(ids):
        list(model.objects.select_for_update().filter(pk__in=chunk).values_list("pk"))
        yield chunk


def refresh_workshops(ids, apps=installed_apps):
    """Compute again the ``WorkshopPeople``, ``WorkshopMargin`` and ``WorkshopSender`` rows of
    the workshops ``ids`` (the workshops locked first), and their part of ``MarginSum``. Thirteen
    queries per 500 workshops."""
    Workshop = apps.get_model("workshops", "Workshop")
    Participation = apps.get_model("workshops", "Participation")
    WorkshopPeople = apps.get_model("workshops", "WorkshopPeople")
    WorkshopMargin = apps.get_model("workshops", "WorkshopMargin")
    WorkshopSender = apps.get_model("workshops", "WorkshopSender")
    with transaction.atomic():
        for chunk in _locked(Workshop, ids):
            with margins_summed(WorkshopMargin.objects.filter(workshop__in=chunk), apps):
                WorkshopPeople.objects.filter(workshop__in=chunk).delete()
                WorkshopMargin.objects.filter(workshop__in=chunk).delete()
                WorkshopSender.objects.filter(workshop__in=chunk).delete()
                _write_workshops(Participation.objects.filter(COUNTED, workshop__in=chunk), apps)
                set_public(WorkshopMargin.objects.filter(workshop__in=chunk), apps)


def _write_workshops(counted, apps):
    """Insert the ``WorkshopPeople``, ``WorkshopMargin`` and ``WorkshopSender`` rows of the
    counted participations ``counted`` (a QuerySet). A person is at a workshop once (a unique
    constraint), so counting participations counts people."""
    WorkshopPeople = apps.get_model("workshops", "WorkshopPeople")
    WorkshopSender = apps.get_model("workshops", "WorkshopSender")
    counted = counted.order_by()
    rows = counted.values_list("workshop", "person__region", "person__gender").annotate(n=Count("pk"))
    people = defaultdict(dict)
    for w, r, g, n in rows.iterator():
        people[w][(r, g)] = n
    WorkshopPeople.objects.bulk_create(
        (
            WorkshopPeople(workshop_id=w, region_id=r, gender=g, people=n)
            for w, counts in people.items()
            for (r, g), n in counts.items()
        ),
        batch_size=WRITE_BATCH,
    )
    write_margins(people, apps)
    senders = counted.exclude(organization=None).values_list("workshop", "organization").distinct()
    WorkshopSender.objects.bulk_create(
        (WorkshopSender(workshop_id=w, organization=o) for w, o in senders.iterator()),
        batch_size=WRITE_BATCH,
    )


def write_margins(people, apps):
    """Insert the ``WorkshopMargin`` rows of ``people`` (``{workshop_id: {(region_id or None,
    gender value): count}}``): each workshop's table decided as its page decides it, with the
    current ``SMALL_CELL_MINIMUM``. A few milliseconds a workshop."""
    WorkshopMargin = _model(apps, "WorkshopMargin")
    if WorkshopMargin is None:
        return
    minimum = publication.small_cell_minimum()
    WorkshopMargin.objects.bulk_create(
        (
            WorkshopMargin(
                workshop_id=w, kind=kind, region_id=r, gender=g, people=n, printed=printed, minimum=minimum
            )
            for w, counts in people.items()
            for kind, r, g, n, printed in publication.workshop_margins(counts, minimum)
        ),
        batch_size=WRITE_BATCH,
    )


def set_public(margins, apps=installed_apps):
    """Copy onto the ``WorkshopMargin`` rows ``margins`` (a QuerySet) whether their workshop is
    published and held (``WorkshopMargin.public``). One query."""
    Workshop = apps.get_model("workshops", "Workshop")
    margins.update(public=Exists(Workshop.objects.filter(PUBLISHED_HELD, pk=OuterRef("workshop"))))


def refresh_public(ids):
    """``set_public`` for the workshops ``ids`` (published, unpublished, held or cancelled), and
    ``MarginSum`` by the difference. Three or four queries per 500."""
    WorkshopMargin = installed_apps.get_model("workshops", "WorkshopMargin")
    for chunk in _chunks(ids):
        margins = WorkshopMargin.objects.filter(workshop__in=chunk)
        with margins_summed(margins):
            set_public(margins)


def _model(apps, name):
    """The model ``name`` of the workshops app in ``apps``, or None when that registry is an
    older migration's, before the model was made (0018 fills the tables 0019 did not add yet)."""
    try:
        return apps.get_model("workshops", name)
    except LookupError:
        return None


def refresh_people(ids, apps=installed_apps):
    """Compute again whether each person of ``ids`` is reached (``Reached``: counted at a
    published, held workshop), with their region, commune and gender, and ``ReachCount`` by the
    difference. Seven queries per 500, each over those people's rows alone (their index), not
    over everyone's."""
    Person = apps.get_model("organizations", "Person")
    Reached = apps.get_model("workshops", "Reached")
    with transaction.atomic():
        for chunk in _locked(Person, ids):
            with reach_counted(Reached.objects.filter(person__in=chunk), apps):
                Reached.objects.filter(person__in=chunk).delete()
                _write_reached(Person.objects.filter(pk__in=chunk), apps, people=chunk)


def _write_reached(persons, apps, people=None):
    """Insert the ``Reached`` rows of those of ``persons`` (a QuerySet) who are reached;
    ``people``: their ids when they are a few (the participations read are theirs alone)."""
    Participation = apps.get_model("workshops", "Participation")
    Reached = apps.get_model("workshops", "Reached")
    public = Participation.objects.filter(COUNTED, IN_PUBLISHED_WORKSHOPS)
    if people is not None:
        public = public.filter(person__in=people)
    rows = (
        persons.filter(pk__in=public.values("person"))
        .order_by()
        .values_list("pk", "region", "commune", "gender")
    )
    Reached.objects.bulk_create(
        (Reached(person=p, region_id=r, commune_id=c, gender=g) for p, r, c, g in rows.iterator()),
        batch_size=WRITE_BATCH,
    )


def refresh_organizations(ids):
    """Compute again the ``WorkshopSender`` rows of the organisations ``ids`` (their
    participations may have moved, e.g. by a merge). Three queries per 500."""
    Participation = installed_apps.get_model("workshops", "Participation")
    WorkshopSender = installed_apps.get_model("workshops", "WorkshopSender")
    with transaction.atomic():
        for chunk in _chunks(ids):
            WorkshopSender.objects.filter(organization__in=chunk).delete()
            pairs = (
                Participation.objects.counted()
                .filter(organization__in=chunk)
                .order_by()
                .values_list("workshop", "organization")
                .distinct()
            )
            WorkshopSender.objects.bulk_create(
                (WorkshopSender(workshop_id=w, organization=o) for w, o in pairs.iterator()),
                batch_size=WRITE_BATCH,
            )


def rebuild(apps=installed_apps):
    """Empty the four summary tables and fill them from every participation (``apps``: the app
    registry, a migration's historical one in the data migration), the workshops' margins with
    the current ``SMALL_CELL_MINIMUM``, then their sums (``rebuild_sums``). Returns ``(workshop
    rows, sender rows, people reached)``. Six grouped queries plus the inserts: seconds at a
    national scale."""
    Participation = apps.get_model("workshops", "Participation")
    Person = apps.get_model("organizations", "Person")
    names = ("WorkshopPeople", "WorkshopSender", "Reached", "WorkshopMargin")
    tables = [_model(apps, name) for name in names]
    with transaction.atomic():
        for table in filter(None, tables):
            table.objects.all().delete()
        _write_workshops(Participation.objects.filter(COUNTED), apps)
        if tables[3] is not None:
            set_public(tables[3].objects.all(), apps)
        _write_reached(Person.objects.all(), apps)
        rebuild_sums(apps)
        return tuple(table.objects.count() for table in tables[:3])


# Second level: the sums of Reached and WorkshopMargin, by deltas ---------------------------------

# Each counter table: its key columns and the columns a delta adds to.
SUM_COLUMNS = {
    "ReachCount": (("region", "gender"), ("people",)),
    "MarginSum": (("kind", "region", "gender", "printed", "minimum"), ("people", "cells")),
}


def reach_counts(reached):
    """The ``Reached`` rows ``reached`` (a QuerySet) counted as ``ReachCount`` keeps them:
    ``{(region_id or 0, gender): (people,)}``. One grouped query."""
    rows = reached.order_by().values_list("region", "gender").annotate(n=Count("*"))
    return {(r or 0, g): (n,) for r, g, n in rows}


def margin_sums(margins):
    """The public rows of the ``WorkshopMargin`` rows ``margins`` (a QuerySet) summed as
    ``MarginSum`` keeps them: ``{(kind, region_id or 0, gender, printed, minimum): (people,
    cells)}``. One grouped query."""
    rows = (
        margins.filter(public=True)
        .order_by()
        .values_list("kind", "region", "gender", "printed", "minimum")
        .annotate(n=Sum("people"), cells=Count("*"))
    )
    return {(k, r or 0, g, p, m): (n, c) for k, r, g, p, m, n, c in rows}


@contextmanager
def _summed(name, measure, apps):
    """Add to the counter table ``name`` what the block changes in ``measure()`` (``reach_counts``
    or ``margin_sums`` of the rows the block rewrites, read before and after it)."""
    model = _model(apps, name)
    if model is None:  # an older migration's registry, before 0020
        yield
        return
    before = measure()
    yield
    after = measure()
    width = len(SUM_COLUMNS[name][1])
    deltas = {}
    for key in before.keys() | after.keys():
        old, new = before.get(key, (0,) * width), after.get(key, (0,) * width)
        deltas[key] = tuple(n - o for o, n in zip(old, new, strict=True))
    add_to_sums(model, deltas)


def reach_counted(reached, apps=installed_apps):
    """A block that rewrites the ``Reached`` rows ``reached`` (a QuerySet naming them by person),
    ``ReachCount`` following by the difference."""
    return _summed("ReachCount", lambda: reach_counts(reached), apps)


def margins_summed(margins, apps=installed_apps):
    """A block that rewrites the ``WorkshopMargin`` rows ``margins`` (a QuerySet naming them by
    workshop), ``MarginSum`` following by the difference."""
    return _summed("MarginSum", lambda: margin_sums(margins), apps)


def add_to_sums(model, deltas):
    """Add ``deltas`` (``{key: (amount, ...)}``, as ``SUM_COLUMNS`` names them) to the rows of
    the counter table ``model``, making the rows of new keys. One ``INSERT ... ON CONFLICT DO
    UPDATE SET n = n + excluded.n``: atomic for each row on PostgreSQL and SQLite, so that two
    transactions adding to one row both count (the second waits for the first's row lock and
    adds to what it committed). Keys in order, so that two writers lock rows in one order."""
    rows = sorted((key, amounts) for key, amounts in deltas.items() if any(amounts))
    if not rows:
        return
    keys, amounts = SUM_COLUMNS[model.__name__]
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [quote(model._meta.get_field(name).column) for name in (*keys, *amounts)]
    added = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns[len(keys) :])
    values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values} "
        f"ON CONFLICT ({', '.join(columns[: len(keys)])}) DO UPDATE SET {added}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for key, amount in rows for value in (*key, *amount)])


def rebuild_sums(apps=installed_apps):
    """Empty ``ReachCount`` and ``MarginSum`` and fill them from ``Reached`` and
    ``WorkshopMargin`` as they are (``rebuild``, the data migration 0020). Four queries."""
    ReachCount, MarginSum = _model(apps, "ReachCount"), _model(apps, "MarginSum")
    if ReachCount is None:
        return
    with transaction.atomic():
        ReachCount.objects.all().delete()
        MarginSum.objects.all().delete()
        add_to_sums(ReachCount, reach_counts(apps.get_model("workshops", "Reached").objects.all()))
        add_to_sums(MarginSum, margin_sums(apps.get_model("workshops", "WorkshopMargin").objects.all()))


# Signals: the writes of one row -------------------------------------------------------------------


def _participation_changing(sender, instance, raw=False, **kwargs):
    """Before a participation is saved: its former workshop and person (it may have moved)."""
    if instance.pk and not raw:
        old = sender.objects.filter(pk=instance.pk).values_list("workshop_id", "person_id").first()
        if old:
            mark(workshops=[old[0]], people=[old[1]], now=False)


def _participation_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        mark(workshops=[instance.workshop_id], people=[instance.person_id])


def _participation_deleted(sender, instance, **kwargs):
    state = _pending()
    # Deleted with its workshop or person: refreshed once when that delete ends.
    if ("workshop", instance.workshop_id) in state.going or ("person", instance.person_id) in state.going:
        return
    mark(workshops=[instance.workshop_id], people=[instance.person_id])


def _workshop_saved(sender, instance, raw=False, **kwargs):
    """Published, unpublished, held or cancelled: whether its people are reached may change,
    and whether its margins count in the country's."""
    if not raw:
        refresh_public([instance.pk])
        people = instance.participations.order_by().values_list("person_id", flat=True)
        mark(people=list(people))


def _workshop_deleting(sender, instance, **kwargs):
    _pending().going.add(("workshop", instance.pk))
    # Its margins go with it (a cascade, without signals): out of the sums first.
    margins = installed_apps.get_model("workshops", "WorkshopMargin").objects.filter(workshop=instance.pk)
    with margins_summed(margins):
        margins.delete()
    mark(people=list(instance.participations.order_by().values_list("person_id", flat=True)), now=False)


def _person_saved(sender, instance, raw=False, **kwargs):
    """Region, commune or gender may have changed; a merge may have given them participations."""
    if not raw:
        mark_people_changed([instance.pk])


def _person_deleting(sender, instance, **kwargs):
    _pending().going.add(("person", instance.pk))
    workshops = instance.participations.order_by().values_list("workshop_id", flat=True)
    mark(workshops=list(workshops), people=[instance.pk], now=False)


def _deleted(kind):
    def receiver(sender, instance, **kwargs):
        state = _pending()
        state.going.discard((kind, instance.pk))
        if state.depth == 0:
            flush()

    return receiver


def _organization_saved(sender, instance, raw=False, created=False, **kwargs):
    """A merge moves participations to the organisation kept, then saves it."""
    if not raw and not created:
        mark(organizations=[instance.pk])


def _organization_deleted(sender, instance, **kwargs):
    mark(organizations=[instance.pk])


_workshop_deleted = _deleted("workshop")
_person_deleted = _deleted("person")


def connect():
    """Connect the signal receivers (``WorkshopsConfig.ready``)."""
    Participation = installed_apps.get_model("workshops", "Participation")
    Workshop = installed_apps.get_model("workshops", "Workshop")
    Person = installed_apps.get_model("organizations", "Person")
    Organization = installed_apps.get_model("organizations", "Organization")
    uid = "workshops.summaries"
    pre_save.connect(_participation_changing, sender=Participation, dispatch_uid=uid)
    post_save.connect(_participation_saved, sender=Participation, dispatch_uid=uid)
    post_delete.connect(_participation_deleted, sender=Participation, dispatch_uid=uid)
    post_save.connect(_workshop_saved, sender=Workshop, dispatch_uid=uid)
    pre_delete.connect(_workshop_deleting, sender=Workshop, dispatch_uid=uid)
    post_delete.connect(_workshop_deleted, sender=Workshop, dispatch_uid=uid)
    post_save.connect(_person_saved, sender=Person, dispatch_uid=uid)
    pre_delete.connect(_person_deleting, sender=Person, dispatch_uid=uid)
    post_delete.connect(_person_deleted, sender=Person, dispatch_uid=uid)
    post_save.connect(_organization_saved, sender=Organization, dispatch_uid=uid)
    post_delete.connect(_organization_deleted, sender=Organization, dispatch_uid=uid)
