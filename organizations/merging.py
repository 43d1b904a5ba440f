"""Merge records that are one and the same (two people who are one person, two organisations
entered under two spellings) into the one kept, in one transaction, with one audit entry.

Everything that points at a merged record moves to the kept one, found through the models'
own relations (participations, members, partners, organisers, funders, committee seats, focus
areas...), so this module names no model of the apps above it. Where a move would break a
uniqueness rule (one person twice in one workshop), the two rows are merged the same way: the
one with more rows of its own (attendance marks) is kept, the other's rows move to it (marks
merged per session), and the pair is reported as a conflict. Nothing is dropped silently: a row
goes only when the kept row already holds the same thing. An organisation merged away leaves
its name as an alias of the one kept (``Organization.remember_name_of``); its aliases move.
"""

from collections import Counter
from dataclasses import dataclass, field

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from config.wording import join_list, list_separator
from organizations.models import Organization

# A person's consents are taken together from the record with the latest consent date: the
# most recent statement of their wishes, whether it gave or withdrew consent.
CONSENT_FIELDS = ["consent_given", "consent_photos", "consent_public_listing", "consent_date"]


@dataclass
class MergeReport:
    """What a merge moved (``moved``: {verbose name plural: rows}), the rows that were there
    twice alike and are kept once (``duplicates``: the same), the pairs that differed and were
    merged (``conflicts``: sentences), the fields of the kept record filled in from the others
    (``filled``: verbose names), and the records merged (``merged``: their ids)."""

    moved: Counter = field(default_factory=Counter)
    duplicates: Counter = field(default_factory=Counter)
    conflicts: list = field(default_factory=list)
    filled: list = field(default_factory=list)
    merged: list = field(default_factory=list)


class MergeRefused(Exception):
    """The records cannot be merged (e.g. a person's data was erased); the message says why."""


def merge(keep, others, dry_run=False):
    """Merge ``others`` (records of ``keep``'s model) into ``keep`` and delete them; return a
    ``MergeReport``. With ``dry_run``, do it all inside a transaction that is rolled back: the
    report of what would happen. Raises MergeRefused for a person whose data was erased."""
    others = [other for other in others if other.pk != keep.pk]
    for record in [keep, *others]:
        if getattr(record, "erased_at", None):
            raise MergeRefused(_("“%(record)s” was erased: it cannot be merged.") % {"record": record})
    report = MergeReport(merged=[other.pk for other in others])
    with transaction.atomic():
        with disable_auditlog():
            for other in others:
                _fill_blanks(keep, other, report)
                _move_rows(type(keep), keep, other, report)
                if isinstance(keep, Organization):
                    keep.remember_name_of(other)  # a sheet with the old spelling finds it
                type(keep)._base_manager.filter(pk=other.pk).delete()
                _adopt_history(type(keep), other.pk, keep.pk)
            keep.save()
        if dry_run:
            transaction.set_rollback(True)
        else:
            LogEntry.objects.log_create(
                keep, force_log=True, action=LogEntry.Action.UPDATE, changes={"merge": ["", summary(report)]}
            )
    return report


def summary(report):
    """One line for the audit trail: ids and counts only, no personal data."""
    moved = join_list(f"{count} {name}" for name, count in sorted(report.moved.items()))
    return _("Merged #%(ids)s into this record: %(moved)s moved; %(conflicts)s duplicate rows merged.") % {
        "ids": (list_separator() + "#").join(str(pk) for pk in report.merged),
        "moved": moved or _("nothing"),
        "conflicts": len(report.conflicts),
    }


def _links(model):
    """``(related model, foreign key)`` of every foreign key pointing at ``model``, including
    the hidden tables of many-to-many fields (funders, focus areas...)."""
    return [
        (rel.related_model, rel.field)
        for rel in model._meta.get_fields(include_hidden=True)
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)
    ]


def _unique_partners(related, key):
    """For each uniqueness rule of ``related`` that includes ``key``: the other fields' names."""
    rules = [list(names) for names in related._meta.unique_together]
    rules += [
        list(rule.fields)
        for rule in related._meta.constraints
        if isinstance(rule, models.UniqueConstraint) and rule.fields and rule.condition is None
    ]
    if key.unique:
        rules.append([key.name])
    return [
        [related._meta.get_field(name).attname for name in rule if name != key.name]
        for rule in rules
        if key.name in rule
    ]


def _weight(row):
    """How many rows point at ``row``: the one with more is the one kept."""
    return sum(
        related._base_manager.filter(**{key.attname: row.pk}).count() for related, key in _links(type(row))
    )


def _move_rows(model, keep, drop, report):
    """Point every row that points at ``drop`` to ``keep``; merge a row with its twin where a
    uniqueness rule needs it (recursively), the twin with more rows of its own being kept. A
    few queries per relation, plus a few per twin."""
    for related, key in _links(model):
        rules = _unique_partners(related, key)
        mine = related._base_manager.filter(**{key.attname: keep.pk})
        taken = [{tuple(values): pk for pk, *values in mine.values_list("pk", *names)} for names in rules]
        free = []
        for row in list(related._base_manager.filter(**{key.attname: drop.pk})):
            twin_pk = _twin_pk(row, rules, taken)
            if twin_pk is not None:
                twin = related._base_manager.get(pk=twin_pk)
                winner, loser = (row, twin) if _weight(row) > _weight(twin) else (twin, row)
                _report_pair(related, key, winner, loser, report)
                _move_rows(related, winner, loser, report)
                related._base_manager.filter(pk=loser.pk).delete()
                _adopt_history(related, loser.pk, winner.pk)
                if winner is twin:
                    continue
            free.append(row.pk)
        for start in range(0, len(free), 500):  # under SQLite's limit of query parameters
            related._base_manager.filter(pk__in=free[start : start + 500]).update(**{key.attname: keep.pk})
        if free and not related._meta.auto_created:
            report.moved[str(related._meta.verbose_name_plural)] += len(free)


def _adopt_history(model, old_pk, new_pk):
    """Give the audit-trail and admin-log entries of the ``model`` record ``old_pk``, merged
    away, to ``new_pk``, the record it was merged into: they were about the same person (or
    thing), and an erasure of the kept record must find and scrub them (``privacy.scrub_traces``
    goes by the record's id)."""
    content_type = ContentType.objects.get_for_model(model)
    LogEntry.objects.filter(content_type=content_type, object_pk=str(old_pk)).update(
        object_pk=str(new_pk), object_id=new_pk
    )
    AdminLogEntry.objects.filter(content_type=content_type, object_id=str(old_pk)).update(
        object_id=str(new_pk)
    )


def _twin_pk(row, rules, taken):
    """The pk of the kept record's row that ``row`` would duplicate under one of ``rules``
    (lists of attribute names; ``taken``: for each, {values: pk} of the kept record's rows)."""
    for names, held in zip(rules, taken, strict=True):
        values = tuple(getattr(row, name) for name in names)
        if values in held:
            return held[values]
    return None


def _report_pair(related, key, winner, loser, report):
    """A pair that says the same thing twice (the same mark, the same partner role) is counted;
    one whose rows differ or hold rows of their own is described as a conflict."""
    if related._meta.auto_created:
        return  # the same many-to-many link twice (a funder of a project)
    fields = [f.attname for f in related._meta.concrete_fields if not f.primary_key and f != key]
    same = all(getattr(winner, name) == getattr(loser, name) for name in fields)
    if same and not _weight(loser):
        report.duplicates[str(related._meta.verbose_name_plural)] += 1
    else:
        report.conflicts.append(_conflict(related, winner, loser))


def _conflict(related, winner, loser):
    return _(
        "%(what)s “%(row)s” was there twice (%(kept)s and %(other)s linked rows): kept as one, "
        "with the rows of both."
    ) % {
        "what": str(related._meta.verbose_name).capitalize(),
        "row": winner,
        "kept": _weight(winner),
        "other": _weight(loser),
    }


def _fill_blanks(keep, other, report):
    """Copy into ``keep`` the values it lacks (blank, or the field's default) from ``other``;
    consents from the record with the latest consent date. ``other`` is deleted before ``keep``
    is saved, so a unique value (phone, e-mail) can move."""
    for model_field in keep._meta.concrete_fields:
        skipped = model_field.primary_key or model_field.name in CONSENT_FIELDS
        if skipped or not model_field.editable or isinstance(model_field, models.BooleanField):
            continue
        mine, theirs = getattr(keep, model_field.attname), getattr(other, model_field.attname)
        empty = mine in (None, "") or (model_field.has_default() and mine == model_field.get_default())
        if empty and theirs not in (None, "") and theirs != mine:
            setattr(keep, model_field.attname, theirs)
            report.filled.append(str(model_field.verbose_name))
    newer = getattr(other, "consent_date", None)
    if newer and (keep.consent_date is None or newer > keep.consent_date):
        for name in CONSENT_FIELDS:
            setattr(keep, name, getattr(other, name))
        report.filled.append(_("consents"))
