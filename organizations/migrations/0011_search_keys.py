"""Search keys (regions.search) of organisations (name, acronym, other names) and people (names),
filled from the rows, with trigram indexes on PostgreSQL; and the matching keys of organisations
and their other names folded again, now that ``regions.names.fold`` folds Arabic-Indic digits."""

from django.db import migrations, models

from organizations.keys import refold_matching_keys
from regions.search import fill_keys_in_migration, trigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0010_organization_aliases"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="search_key",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search key"),
        ),
        migrations.AddField(
            model_name="organization",
            name="translit_key",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="transliteration key"
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="search_key",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search key"),
        ),
        migrations.AddField(
            model_name="person",
            name="translit_key",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="transliteration key"
            ),
        ),
        migrations.RunPython(refold_matching_keys, migrations.RunPython.noop),
        migrations.RunPython(
            fill_keys_in_migration("organizations.Organization", ("name", "acronym"), ("aliases", "name")),
            migrations.RunPython.noop,
        ),
        migrations.RunPython(*trigram_indexes("organizations_organization")),
        migrations.RunPython(
            fill_keys_in_migration("organizations.Person", ("first_name", "last_name")),
            migrations.RunPython.noop,
        ),
        migrations.RunPython(*trigram_indexes("organizations_person")),
    ]
