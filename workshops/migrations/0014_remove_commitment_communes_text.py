"""Drop the free-text ``Commitment.communes``: 0011 moved it to ``target_communes`` and
``unmatched_communes``."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("workshops", "0013_match_commitment_communes")]

    operations = [migrations.RemoveField(model_name="commitment", name="communes")]
