"""Admin search and list filters that reach related tables through their keys rather than by
joining them: at a national scale (half a million participations, a million attendance marks)
a join to test a person's name or gender on every row is what made the admin lists slow.
Used by the people, participation and attendance admins (``organizations.admin``,
``workshops.admin``); measured in docs/performance.md."""

import math

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import build_q_object_from_lookup_parameters, lookup_spawns_duplicates
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils.functional import cached_property
from django.utils.text import smart_split, unescape_string_literal

from organizations.phones import phone_search_term
from regions.search import SearchKeyModel, key_q, source_fields

# ``search_rows_first`` of the participations' and attendance marks' admins: a word matching at
# least this many people is tested row by row, newest first. Measured at national scale
# (docs/performance.md, "Requests over 2 s").
SEARCH_ROWS_FIRST_ABOVE = 2000

# Prefixes of ``search_fields`` entries, as Django's admin reads them.
SEARCH_PREFIXES = {"^": "istartswith", "=": "iexact", "@": "search"}


def _search_path(model, entry):
    """``(field names, lookup)`` of one ``search_fields`` entry, as Django's admin builds it
    (``^name`` istartswith, ``=name`` iexact, ``@name`` search, otherwise icontains); None when
    the entry names a lookup of its own, left to Django."""
    lookup = SEARCH_PREFIXES.get(entry[:1])
    names = (entry[1:] if lookup else entry).split("__")
    opts = model._meta
    for i, name in enumerate(names):
        try:
            field = opts.pk if name == "pk" else opts.get_field(name)
        except FieldDoesNotExist:
            return None
        names[i] = field.name
        if field.is_relation and field.related_model is not None:
            opts = field.related_model._meta
    return names, lookup or "icontains"


def _keys(model, names):
    """Split a path of field names into the forward foreign keys (or one-to-ones) it starts
    with, as field objects, and the rest of the path: ``person__organization__name`` from a
    participation gives ``([person, organization], ["name"])``."""
    keys = []
    while len(names) > 1:
        field = model._meta.get_field(names[0])
        if not ((field.many_to_one or field.one_to_one) and field.concrete):
            break
        keys.append(field)
        model, names = field.related_model, names[1:]
    return tuple(keys), names


def _search_q(model, paths, bit, rows_first=False):
    """``Q`` on ``model``: ``bit`` matches one of ``paths`` (``(field names, lookup)``).

    Paths that reach the same table through the same foreign keys are searched together in
    that table alone, and the keys followed back as nested ``key IN (SELECT …)``: from an
    attendance mark, ``participation__person__last_name`` and ``…__first_name`` become
    ``participation_id IN (SELECT id FROM participation WHERE person_id IN (SELECT id FROM
    person WHERE last_name … OR first_name …))``. Each table is filtered by its own indexed
    key, no row is joined to test a text, and the OR between tables is one between keys of
    ``model`` itself, which the database tests cheaply row by row.

    ``rows_first``: the keys are followed from each row of ``model`` instead (``EXISTS (SELECT 1
    FROM participation WHERE id = participation_id AND EXISTS (…))``), for a table much smaller
    than those it reaches: SQLite otherwise built the list of every matching participation (a
    common name: 110,000) before reading any of, say, 5,000 registrations, in each query. A dict
    instead of a bool, ``{path of foreign keys: bound}`` (``{"participation__person": 2000}``):
    the rows of ``model`` are tested first for that path only when at least ``bound`` rows of
    the table it reaches match (``_matches_at_least``, one query): a common name among a
    million attendance marks is found in the newest marks at once, row by row, while a rare one
    would test every mark; other paths go by keys.
    """
    groups = {}
    for names, lookup in paths:
        keys, rest = _keys(model, names)
        groups.setdefault(keys, []).append((rest, lookup))
    terms = []
    for keys, entries in groups.items():
        table = keys[-1].related_model if keys else model
        term = _table_q(table, entries, bit)
        first = rows_first
        if isinstance(rows_first, dict):
            bound = rows_first.get("__".join(key.name for key in keys))
            first = bound is not None and _matches_at_least(table, term, bound)
        for key in reversed(keys):
            manager = key.related_model._base_manager
            if first:
                term = models.Q(
                    models.Exists(
                        manager.filter(term, **{key.target_field.name: models.OuterRef(key.attname)})
                    )
                )
            else:
                term = models.Q((f"{key.name}__in", manager.filter(term).values(key.target_field.name)))
        terms.append(term)
    return models.Q.create(terms, connector=models.Q.OR)


def _matches_at_least(model, term, bound):
    """Whether ``bound`` rows of ``model`` or more match ``term``: one ``COUNT`` over a
    ``LIMIT bound`` subquery, which stops at ``bound``."""
    return model._base_manager.filter(term).order_by()[:bound].count() >= bound


def _key_prefix(model, names):
    """``"relation__"`` (or ``""``) through which ``names`` (a path from ``model``) reaches a field
    that feeds the search key of a ``SearchKeyModel`` (``regions.search``); None otherwise."""
    for name in names[:-1]:
        field = model._meta.get_field(name)
        if field.related_model is None:
            return None
        model = field.related_model
    if issubclass(model, SearchKeyModel) and names[-1] in source_fields(model):
        return "".join(f"{name}__" for name in names[:-1])
    return None


def _table_q(model, entries, bit):
    """``Q`` on ``model``: ``bit`` matches one of ``entries`` (``(field names, lookup)``). A field
    that feeds a search key is searched through its key (folded, transliterated): the entries
    ``first_name`` and ``last_name`` of a person are one test of the person's key."""
    terms = {}
    for names, lookup in entries:
        prefix = _key_prefix(model, names)
        if prefix is None:
            terms["__".join([*names, lookup])] = models.Q(("__".join([*names, lookup]), bit))
        else:
            terms.setdefault(("key", prefix), key_q(bit, prefix))
    return models.Q.create(list(terms.values()), connector=models.Q.OR)


class CappedCountPaginator(Paginator):
    """A paginator of search results that counts at most ``cap`` + 1 rows (``SELECT COUNT(*)
    FROM (SELECT … LIMIT cap + 1)``), so a search matching a fifth of half a million
    participations (a common name) stops counting at ``cap`` instead of listing every match:
    counting them took 1.3 s on SQLite at national scale. ``capped``: more than ``cap`` rows
    matched; the admin's templates then say "more than ``cap``" and offer the first ``cap``
    rows' pages."""

    cap = 1000

    @cached_property
    def count(self):
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self):
        return self.count > self.cap

    @cached_property
    def num_pages(self):
        if not self.capped:
            return super().num_pages
        return math.ceil(self.cap / self.per_page)


class SearchesRelatedByKeyMixin:
    """Admin search (``?q=``) that reaches related tables through their keys, not through joins.

    Same results as Django's admin search: every word (or quoted phrase) must match one of
    ``get_search_fields(request)``, so a field hidden from a user cannot be searched either.
    But ``person__last_name`` is searched as ``person_id IN (SELECT id FROM person WHERE
    last_name …)`` rather than by joining every row of this table to its person and testing
    the text of each joined row: for half a million participations, the 150,000 people are
    searched once, then the participations found by their indexed ``person_id``. Paths through
    several foreign keys nest the same way; anything else (a text field of this table, a
    many-to-many path, an entry with its own lookup) is searched as Django does. A field that
    feeds a stored search key (``regions.search``: names, titles, texts) is searched through that
    key, so that أحمد finds احمد, "helene" Hélène and "Mohamed" محمد. Where a phone
    may be searched (it is among the search fields), a term that is a whole phone number
    (``0600000901``, ``06 00 00 09 01``, ``00212…``) is searched as stored, ``+212600000901``.
    """

    def get_search_results(self, request, queryset, search_term):
        entries = [str(entry) for entry in self.get_search_fields(request)]
        if any(entry.lstrip("^=@").rsplit("__", 1)[-1] == "phone" for entry in entries):
            # A whole phone number, typed any common way, is searched in its stored form.
            search_term = phone_search_term(search_term) or search_term
        paths = [_search_path(queryset.model, entry) for entry in entries]
        if not entries or not search_term or None in paths:
            return super().get_search_results(request, queryset, search_term)
        words = []
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            words.append(_search_q(queryset.model, paths, bit, self._rows_first()))
        queryset = queryset.filter(models.Q.create(words))
        # Only a path searched with a join from this table can repeat rows (a many-to-many
        # one): behind a key, the join is inside ``key IN (SELECT …)``.
        may_have_duplicates = any(
            lookup_spawns_duplicates(self.opts, "__".join([*names, lookup]))
            for names, lookup in paths
            if not _keys(queryset.model, names)[0]
        )
        return queryset, may_have_duplicates

    def _rows_first(self):
        """What the admin declares as ``search_rows_first``: True for a table much smaller than
        those its search reaches (registrations), ``{path: bound}`` for one whose rows are tested
        first only when a word matches ``bound`` rows or more of the table ``path`` reaches
        (attendance marks: ``_search_q``), False by default. Read, not defaulted here: this mixin comes
        before the admin's own class (``config.admin``)."""
        return getattr(self, "search_rows_first", False)

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        """While searching (``?q=``), a ``CappedCountPaginator``: the matches are counted up to
        a thousand, not all."""
        if request.GET.get(SEARCH_VAR):
            return CappedCountPaginator(queryset, per_page, orphans, allow_empty_first_page)
        return super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)


class FiltersThroughKeyMixin:
    """For a list filter on a field of a related row (``person__gender``, ``person__region``):
    test ``EXISTS (SELECT 1 FROM person WHERE id = person_id AND gender = …)`` instead of
    joining the related table.

    Same rows (the key must not be nullable). But SQLite drove the join from the related table
    (all the women, say) and went through every match, twice (count, then page): 0.8 s for a
    search among the women in half a million participations. With ``EXISTS`` it reads this
    table in the page's order and stops at the page's end (0.4 s). PostgreSQL plans both alike
    (0.2 s). When another filter on the same related table is in use (women of one region), that
    table is joined once and both fields tested on the joined row, as Django does: a second
    ``EXISTS`` would cost a lookup per row where the join can start from the table's index.
    """

    def queryset(self, request, queryset):
        keys, _rest = _keys(queryset.model, self.field_path.split("__"))
        if len(keys) != 1 or keys[0].null or not self.used_parameters:
            return super().queryset(request, queryset)
        key, prefix = keys[0], f"{keys[0].name}__"
        if any(name.startswith(prefix) and name not in self.used_parameters for name in request.GET):
            return super().queryset(request, queryset)
        try:
            condition = build_q_object_from_lookup_parameters(
                {name.removeprefix(prefix): values for name, values in self.used_parameters.items()}
            )
            related = key.related_model._base_manager.filter(
                condition, **{key.target_field.name: models.OuterRef(key.attname)}
            )
            return queryset.filter(models.Exists(related))
        except (ValueError, ValidationError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class ChoicesThroughKeyFilter(FiltersThroughKeyMixin, admin.ChoicesFieldListFilter):
    """Django's filter of a field with choices (``person__gender``), through the key."""


class RelatedThroughKeyFilter(FiltersThroughKeyMixin, admin.RelatedFieldListFilter):
    """Django's filter of a foreign key of a related row (``person__region``), through the key."""
