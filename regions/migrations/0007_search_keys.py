"""Search keys (regions.search) of regions and provinces (codes, names, aliases), filled from the
rows, with trigram indexes on PostgreSQL; and ``PlaceAlias.key`` folded again, now that
``regions.names.fold`` folds Arabic-Indic digits."""

from django.db import migrations, models

from regions.names import fold
from regions.search import fill_keys_in_migration, trigram_indexes

ALIAS_LENGTH = 150


def refold_alias_keys(apps, schema_editor):
    """``PlaceAlias.key`` under the new fold; an alias whose new key another alias of its kind
    already has keeps its old key (it adds nothing: the other finds the place)."""
    PlaceAlias = apps.get_model("regions", "PlaceAlias")
    taken = set(PlaceAlias.objects.values_list("kind", "key"))
    for alias in PlaceAlias.objects.only("kind", "alias", "key").iterator():
        key = fold(alias.alias)[:ALIAS_LENGTH]
        if key != alias.key and (alias.kind, key) not in taken:
            PlaceAlias.objects.filter(pk=alias.pk).update(key=key)
            taken.add((alias.kind, key))


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0006_commune"),
    ]

    operations = [
        migrations.AddField(
            model_name="province",
            name="search_key",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search key"),
        ),
        migrations.AddField(
            model_name="province",
            name="translit_key",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="transliteration key"
            ),
        ),
        migrations.AddField(
            model_name="region",
            name="search_key",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search key"),
        ),
        migrations.AddField(
            model_name="region",
            name="translit_key",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="transliteration key"
            ),
        ),
        migrations.RunPython(refold_alias_keys, migrations.RunPython.noop),
        migrations.RunPython(
            fill_keys_in_migration(
                "regions.Region", ("code", "name_fr", "name_ar", "name_en"), ("aliases", "alias")
            ),
            migrations.RunPython.noop,
        ),
        migrations.RunPython(
            fill_keys_in_migration("regions.Province", ("code", "name_fr", "name_ar"), ("aliases", "alias")),
            migrations.RunPython.noop,
        ),
        migrations.RunPython(*trigram_indexes("regions_region")),
        migrations.RunPython(*trigram_indexes("regions_province")),
    ]
