"""Create the database cache's table (settings.CACHES), so that every `migrate` makes it."""

from django.core.management import call_command
from django.db import migrations


def forward(apps, schema_editor):
    # Named: on SQLite settings.CACHES keeps the figures in files; the table is made all the same,
    # so the schema does not depend on the engine.
    call_command("createcachetable", "tracker_cache", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("workshops", "0004_workshop_region_start_index")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
