"""Stored search keys: what the admin, the autocompletes and the public lists search.

A model that is searched inherits ``SearchKeyModel`` and names the fields that feed its key::

    class Workshop(SearchKeyModel):
        search_key_fields = ("title", "summary", "city", "venue")

and its QuerySet inherits ``SearchKeyQuerySet``. Then:

- ``search_key`` holds the folded values (``regions.names.fold``) of those fields, joined by
  `` | ``; ``translit_key`` their transliteration keys (``regions.transliteration``), words
  between single spaces and a space at each end. Per-language versions of a declared field
  (``title_ar``, ``title_fr``, ``title_en``, as django-modeltranslation adds them) feed the key
  too when the model has them; ``search_key_extras()`` adds texts of other rows (aliases).
- The keys follow every write: ``save()`` (``update_fields`` included), the QuerySet's
  ``bulk_create``, ``bulk_update`` and ``update`` (rows whose feeding fields an update touched
  are read again and their keys rebuilt). ``manage.py rebuild_search_keys`` rebuilds them all.
- ``Model.objects.search(text)`` and ``search_q(text, prefix)`` find the rows whose key holds
  every word of ``text``, folded, or whose transliteration key holds its transliteration: a
  word's skeleton must start a word of the key, or, when shorter than three letters (علي,
  "Ali"), be a whole word of it. On PostgreSQL both columns have a trigram index (pg_trgm), so
  ``LIKE '%…%'`` reads the index; SQLite reads the table (``LIKE``), with the same results.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from regions.names import fold
from regions.transliteration import translit_key

# PlaceAlias.key's length (regions.models.ALIAS_LENGTH; this module is imported by the models).
ALIAS_KEY_LENGTH = 150
# Languages of the per-language versions of a field (``title_ar``…), when a model has them.
KEY_LANGUAGES = ("ar", "fr", "en")
KEY_FIELDS = ("search_key", "translit_key")
# A value of a key is separated from the next by this: fold never leaves a "|".
VALUE_SEPARATOR = " | "
# Below this many letters a transliteration skeleton ("al" for Ali) must be a whole word.
SHORT_SKELETON = 3


def source_fields(model):
    """The names of the fields of ``model`` that feed its key: its ``search_key_fields`` and
    their per-language versions that exist (tuple of str)."""
    names = {field.name for field in model._meta.get_fields()}
    found = []
    for name in model.search_key_fields:
        found += [name, *(f"{name}_{lang}" for lang in KEY_LANGUAGES if f"{name}_{lang}" in names)]
    return tuple(dict.fromkeys(found))


def key_q(word, prefix=""):
    """``Q`` matching the rows whose keys hold ``word`` (one search word or quoted phrase);
    ``prefix`` reaches the keyed model through relations (``"recommendation__"``). ``Q()`` (no
    condition) for a word with neither letters nor digits."""
    folded = fold(word)
    if not folded:
        return Q()
    condition = Q((f"{prefix}search_key__contains", folded))
    skeleton = translit_key(word)
    if skeleton:
        short = len(skeleton.replace(" ", "")) < SHORT_SKELETON
        condition |= Q((f"{prefix}translit_key__contains", f" {skeleton} " if short else f" {skeleton}"))
    return condition


def keys_of(texts):
    """``(search_key, translit_key)`` of ``texts`` (list of str), as stored."""
    search_key = VALUE_SEPARATOR.join(key for key in dict.fromkeys(map(fold, texts)) if key)
    skeletons = " ".join(key for key in dict.fromkeys(map(translit_key, texts)) if key)
    return search_key, (f" {skeletons} " if skeletons else "")


def fill_keys_in_migration(label, fields, aliases=None):
    """A ``RunPython`` function that fills the keys of the historical model ``label``
    (``"app.Model"``) from ``fields`` (their per-language versions included, when the historical
    model has them) and, with ``aliases=(relation, field)``, the aliases' texts."""

    def forward(apps, schema_editor):
        model = apps.get_model(label)
        model.search_key_fields = fields
        rows = model._base_manager.order_by("pk")
        if aliases:
            rows = rows.prefetch_related(aliases[0])
        names = source_fields(model)
        changed = []
        for row in rows.iterator(chunk_size=500):
            texts = [getattr(row, name) for name in names]
            if aliases:
                texts += [getattr(alias, aliases[1]) for alias in getattr(row, aliases[0]).all()]
            row.search_key, row.translit_key = keys_of([str(text) for text in texts if text])
            changed.append(row)
        model._base_manager.bulk_update(changed, KEY_FIELDS, batch_size=500)

    return forward


def trigram_indexes(table, columns=KEY_FIELDS):
    """``(forward, backward)`` ``RunPython`` functions that create (PostgreSQL only) a pg_trgm GIN
    index on each of ``columns`` of ``table``, serving ``LIKE '%…%'`` (the ``contains`` of
    ``key_q``). pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it;
    elsewhere a superuser runs ``CREATE EXTENSION pg_trgm;`` once. SQLite: nothing is done."""

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in columns:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {quote(f'{table}_{column}_trgm')} ON {quote(table)} "
                f"USING gin ({quote(column)} gin_trgm_ops)"
            )

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for column in columns:
                schema_editor.execute(
                    f"DROP INDEX IF EXISTS {schema_editor.quote_name(f'{table}_{column}_trgm')}"
                )

    return forward, backward


def search_q(words, prefix=""):
    """``Q`` matching the rows whose keys hold every one of ``words`` (list of str)."""
    return Q.create([key_q(word, prefix) for word in words])


class SearchKeyQuerySet(models.QuerySet):
    """QuerySet of a ``SearchKeyModel``: searches its keys and keeps them on bulk writes."""

    def search(self, text):
        """The rows whose keys hold every word of ``text`` (str; see ``key_q``)."""
        return self.filter(search_q(str(text or "").split()))

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.fill_search_keys()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        if set(fields) & set(source_fields(self.model)):
            objs = list(objs)
            for obj in objs:
                obj.fill_search_keys()
            fields = [*fields, *(name for name in KEY_FIELDS if name not in fields)]
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        if not set(kwargs) & set(source_fields(self.model)):
            return super().update(**kwargs)
        pks = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        rebuild_keys(self.model._base_manager.filter(pk__in=pks))
        return count

    update.alters_data = True

    def rebuild_search_keys(self, batch_size=500):
        """Recompute the keys of these rows from their fields; see ``rebuild_keys``."""
        return rebuild_keys(self, batch_size)


def rebuild_keys(queryset, batch_size=500):
    """Recompute the keys of the rows of ``queryset`` (of a ``SearchKeyModel``) from their
    fields, ``batch_size`` rows per read and write; returns the number of rows."""
    model = queryset.model
    rows = queryset.prefetch_related(*model.search_key_prefetch).order_by("pk")
    pending, count = [], 0
    for obj in rows.iterator(chunk_size=batch_size):
        obj.fill_search_keys()
        pending.append(obj)
        if len(pending) == batch_size:
            # A plain QuerySet: the keys are written as computed, without filling them again.
            models.QuerySet(model).bulk_update(pending, KEY_FIELDS)
            count, pending = count + len(pending), []
    models.QuerySet(model).bulk_update(pending, KEY_FIELDS)
    return count + len(pending)


class SearchKeyModel(models.Model):
    """Abstract base of the models that are searched: ``search_key`` and ``translit_key``,
    computed from the fields named by ``search_key_fields`` (see the module docstring)."""

    search_key = models.TextField(_("search key"), blank=True, default="", editable=False)
    translit_key = models.TextField(_("transliteration key"), blank=True, default="", editable=False)

    # The fields that feed the key (declared by each model), and the relations its
    # ``search_key_extras`` reads (prefetched when the keys are rebuilt in bulk).
    search_key_fields = ()
    search_key_prefetch = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.fill_search_keys()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *KEY_FIELDS}
        super().save(*args, **kwargs)

    def search_key_extras(self):
        """Texts of other rows that should find this one (list of str); none by default."""
        return []

    def search_key_texts(self):
        """The texts that feed the keys: values of ``source_fields`` and the extras."""
        values = [getattr(self, name) for name in source_fields(type(self))] + self.search_key_extras()
        return [str(value) for value in dict.fromkeys(values) if value]

    def fill_search_keys(self):
        """Set ``search_key`` and ``translit_key`` from the current values (no query, unless
        ``search_key_extras`` makes one)."""
        self.search_key, self.translit_key = keys_of(self.search_key_texts())


def rebuild_owner_keys(aliases):
    """Rebuild the keys of the rows that ``aliases`` (rows of an ``AliasOfKeyedModel``) are
    other names of, through its ``search_key_owners`` foreign keys."""
    aliases = list(aliases)
    if not aliases:
        return
    for name in type(aliases[0]).search_key_owners:
        field = type(aliases[0])._meta.get_field(name)
        pks = {getattr(alias, field.attname) for alias in aliases} - {None}
        if pks:
            rebuild_keys(field.related_model._base_manager.filter(pk__in=pks))


class AliasQuerySet(models.QuerySet):
    """QuerySet of an ``AliasOfKeyedModel``: bulk inserts and deletes rebuild the keys of the
    rows the aliases name."""

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        rebuild_owner_keys(created)
        return created

    def delete(self):
        aliases = list(self)
        result = super().delete()
        rebuild_owner_keys(aliases)
        return result

    delete.alters_data = True
    delete.queryset_only = True


class AliasOfKeyedModel(models.Model):
    """Abstract base of another name of a keyed row (an organisation's or a place's alias):
    saving or deleting one rebuilds the keys of the row(s) its ``search_key_owners`` (names of
    foreign keys) point to, whose ``search_key_extras`` read the aliases."""

    search_key_owners = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        rebuild_owner_keys([self])

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        rebuild_owner_keys([self])
        return result


def refold_alias_keys(apps, schema_editor=None):
    """``PlaceAlias.key`` under the new fold; an alias whose new key another alias of its kind
    already has keeps its old key (it adds nothing: the other finds the place)."""
    PlaceAlias = apps.get_model("regions", "PlaceAlias")
    taken = set(PlaceAlias.objects.values_list("kind", "key"))
    for alias in PlaceAlias.objects.only("kind", "alias", "key").iterator():
        key = fold(alias.alias)[:ALIAS_KEY_LENGTH]
        if key != alias.key and (alias.kind, key) not in taken:
            PlaceAlias.objects.filter(pk=alias.pk).update(key=key)
            taken.add((alias.kind, key))
