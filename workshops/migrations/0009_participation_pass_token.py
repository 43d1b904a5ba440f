"""Give every participation a personal check-in code (128 random bits), existing rows included.

Added empty, filled row by row, then made unique and required: a unique column with a callable
default would give every existing row the same value.
"""

import secrets

from django.db import migrations, models

import workshops.models


def fill_pass_tokens(apps, schema_editor):
    Participation = apps.get_model("workshops", "Participation")
    for participation in Participation.objects.filter(pass_token__isnull=True).only("pk").iterator():
        Participation.objects.filter(pk=participation.pk).update(pass_token=secrets.token_hex(16))


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0008_participation_counts_by_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="participation",
            name="pass_token",
            field=models.CharField(
                editable=False, max_length=32, null=True, verbose_name="personal check-in code"
            ),
        ),
        migrations.RunPython(fill_pass_tokens, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="participation",
            name="pass_token",
            field=models.CharField(
                default=workshops.models.new_pass_token,
                editable=False,
                max_length=32,
                unique=True,
                verbose_name="personal check-in code",
            ),
        ),
    ]
