"""Search keys (regions.search) of projects, workshops, recommendations, commitments, milestones and
monitoring committees: the columns, filled from the rows, and their trigram indexes on PostgreSQL."""

from django.db import migrations, models

from regions.search import fill_keys_in_migration, trigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0009_participation_pass_token"),
    ]

    operations = [
        migrations.AddField(
            model_name="commitment",
            name="search_key",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search key"),
        ),
        migrations.AddField(
            model_name="commitment",
            name="translit_key",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="transliteration key"
            ),
        ),
        migrations.AddField(
            model_name="milestone",
            name="search_key",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search key"),
        ),
        migrations.AddField(
            model_name="milestone",
            name="translit_key",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="transliteration key"
            ),
        ),
        migrations.AddField(
            model_name="monitoringcommittee",
            name="search_key",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search key"),
        ),
        migrations.AddField(
            model_name="monitoringcommittee",
            name="translit_key",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="transliteration key"
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="search_key",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search key"),
        ),
        migrations.AddField(
            model_name="project",
            name="translit_key",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="transliteration key"
            ),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="search_key",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search key"),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="translit_key",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="transliteration key"
            ),
        ),
        migrations.AddField(
            model_name="workshop",
            name="search_key",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search key"),
        ),
        migrations.AddField(
            model_name="workshop",
            name="translit_key",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="transliteration key"
            ),
        ),
        migrations.RunPython(
            fill_keys_in_migration("workshops.Project", ("name",)), migrations.RunPython.noop
        ),
        migrations.RunPython(*trigram_indexes("workshops_project")),
        migrations.RunPython(
            fill_keys_in_migration("workshops.Workshop", ("title", "summary", "objectives", "city", "venue")),
            migrations.RunPython.noop,
        ),
        migrations.RunPython(*trigram_indexes("workshops_workshop")),
        migrations.RunPython(
            fill_keys_in_migration("workshops.Recommendation", ("text",)), migrations.RunPython.noop
        ),
        migrations.RunPython(*trigram_indexes("workshops_recommendation")),
        migrations.RunPython(
            fill_keys_in_migration("workshops.Commitment", ("title", "description")),
            migrations.RunPython.noop,
        ),
        migrations.RunPython(*trigram_indexes("workshops_commitment")),
        migrations.RunPython(
            fill_keys_in_migration("workshops.Milestone", ("title",)), migrations.RunPython.noop
        ),
        migrations.RunPython(*trigram_indexes("workshops_milestone")),
        migrations.RunPython(
            fill_keys_in_migration("workshops.MonitoringCommittee", ("name", "mandate")),
            migrations.RunPython.noop,
        ),
        migrations.RunPython(*trigram_indexes("workshops_monitoringcommittee")),
    ]
