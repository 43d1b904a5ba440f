"""Refill the search keys of the texts that now have a version per language (0015, 0016), so
that a search finds a record by any of its versions (``regions.search`` folds ``<field>_ar``,
``_fr`` and ``_en`` when the model has them)."""

from django.db import migrations

from regions.search import fill_keys_in_migration

KEYED = [
    ("workshops.Project", ("name",)),
    ("workshops.Workshop", ("title", "summary", "objectives", "city", "venue")),
    ("workshops.Recommendation", ("text",)),
    ("workshops.Commitment", ("title", "description")),
    ("workshops.Milestone", ("title",)),
    ("workshops.MonitoringCommittee", ("name", "mandate")),
]


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0016_texts_original_language"),
    ]

    operations = [
        migrations.RunPython(fill_keys_in_migration(label, fields), migrations.RunPython.noop, elidable=True)
        for label, fields in KEYED
    ]
