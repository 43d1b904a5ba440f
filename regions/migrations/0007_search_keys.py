"""Search keys (regions.search) of regions and provinces (codes, names, aliases), filled from the
rows, with trigram indexes on PostgreSQL; and ``PlaceAlias.key`` folded again, now that
``regions.names.fold`` folds Arabic-Indic digits."""

from django.db import migrations, models

from regions.search import fill_keys_in_migration, refold_alias_keys, trigram_indexes


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
