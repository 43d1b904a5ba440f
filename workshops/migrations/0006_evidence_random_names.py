"""Evidence and minutes: checked by content and stored under a random name of their real type."""

from django.db import migrations

import workshops.evidence
import workshops.models


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0005_cache_table"),
    ]

    operations = [
        migrations.AlterField(
            model_name="committeemeeting",
            name="minutes",
            field=workshops.evidence.EvidenceFileField(
                blank=True,
                help_text="PDF, PNG or JPEG.",
                upload_to=workshops.evidence.EvidenceName("minutes"),
                validators=[workshops.models.validate_evidence_file],
                verbose_name="minutes",
            ),
        ),
        migrations.AlterField(
            model_name="followup",
            name="evidence_file",
            field=workshops.evidence.EvidenceFileField(
                blank=True,
                help_text="PDF, PNG or JPEG.",
                upload_to=workshops.evidence.EvidenceName("evidence"),
                validators=[workshops.models.validate_evidence_file],
                verbose_name="evidence document",
            ),
        ),
    ]
