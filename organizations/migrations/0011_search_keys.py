"""Search keys (regions.search) of organisations (name, acronym, other names) and people (names),
filled from the rows, with trigram indexes on PostgreSQL; and the matching keys of organisations
and their other names folded again, now that ``regions.names.fold`` folds Arabic-Indic digits."""

from django.db import migrations, models

from regions.names import fold
from regions.search import fill_keys_in_migration, trigram_indexes


def refold_matching_keys(apps, schema_editor):
    """``Organization.name_key`` and ``OrganizationAlias.key`` under the new fold; an alias whose
    new key another alias already has keeps its old key (it adds nothing: the other finds it)."""
    Organization = apps.get_model("organizations", "Organization")
    OrganizationAlias = apps.get_model("organizations", "OrganizationAlias")
    for organization in Organization.objects.only("name", "name_key").iterator():
        if fold(organization.name) != organization.name_key:
            Organization.objects.filter(pk=organization.pk).update(name_key=fold(organization.name))
    taken = set(OrganizationAlias.objects.values_list("key", flat=True))
    for alias in OrganizationAlias.objects.only("name", "key").iterator():
        key = fold(alias.name)
        if key != alias.key and key not in taken:
            OrganizationAlias.objects.filter(pk=alias.pk).update(key=key)
            taken.add(key)


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
