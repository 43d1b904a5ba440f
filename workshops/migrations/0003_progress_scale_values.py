"""Move statuses to the OGP-aligned progress scale: in_progress → limited, completed → complete."""

from django.db import migrations

RENAMES = {"in_progress": "limited", "completed": "complete"}


def forward(apps, schema_editor):
    Recommendation = apps.get_model("workshops", "Recommendation")
    FollowUp = apps.get_model("workshops", "FollowUp")
    for old, new in RENAMES.items():
        Recommendation.objects.filter(status=old).update(status=new)
        FollowUp.objects.filter(new_status=old).update(new_status=new)
        FollowUp.objects.filter(old_status=old).update(old_status=new)


class Migration(migrations.Migration):
    dependencies = [("workshops", "0002_commitments_milestones")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
