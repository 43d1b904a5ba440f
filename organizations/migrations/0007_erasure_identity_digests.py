"""Erasure records keep keyed digests of the erased person's phone, e-mail and name key (so that
an import recognises them), and who re-admitted them with a new consent; the Data officers and
Managers roles get the new "re-admit" permission (organizations/roles.py, as 0004 does).

Erasures made before this migration have no digests: their data was already gone."""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Creates the permissions now (they are normally created after every migration) and syncs roles.
sync_roles_now = importlib.import_module("organizations.migrations.0004_staff_roles").forward


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0006_person_search_trigram_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="erasurerecord",
            options={
                "ordering": ["-erased_at", "-pk"],
                "permissions": [
                    ("readmit_erased_person", "Can re-admit an erased person who gave a new consent")
                ],
                "verbose_name": "erasure record",
                "verbose_name_plural": "erasure records",
            },
        ),
        migrations.AddField(
            model_name="erasurerecord",
            name="email_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="e-mail digest"),
        ),
        migrations.AddField(
            model_name="erasurerecord",
            name="name_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="name digest"),
        ),
        migrations.AddField(
            model_name="erasurerecord",
            name="phone_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="phone digest"),
        ),
        migrations.AddField(
            model_name="erasurerecord",
            name="readmission_consent_date",
            field=models.DateField(blank=True, null=True, verbose_name="date of the new consent"),
        ),
        migrations.AddField(
            model_name="erasurerecord",
            name="readmitted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="re-admitted at"),
        ),
        migrations.AddField(
            model_name="erasurerecord",
            name="readmitted_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="re-admitted by",
            ),
        ),
        migrations.AddIndex(
            model_name="erasurerecord",
            index=models.Index(fields=["phone_hash"], name="organizations_erasure_phone"),
        ),
        migrations.AddIndex(
            model_name="erasurerecord",
            index=models.Index(fields=["email_hash"], name="organizations_erasure_email"),
        ),
        migrations.AddIndex(
            model_name="erasurerecord",
            index=models.Index(fields=["name_hash"], name="organizations_erasure_name"),
        ),
        migrations.RunPython(sync_roles_now, migrations.RunPython.noop),
    ]
