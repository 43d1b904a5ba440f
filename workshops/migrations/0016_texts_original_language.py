"""Existing texts become the version of the language they were written in.

Before 0010 each text had one column. A record whose main text holds Arabic letters was written
in Arabic, any other in French (the tracker's two working languages; staff correct the rare
English one in the admin). Its ``language`` says so and its texts are copied into that
language's columns; the other languages stay empty and fall back to it. Nothing is lost: the
original columns are kept as they were.
"""

import re

from django.db import migrations

ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")

# model name: (its main text, every translated field)
TEXTS = {
    "project": ("name", ("name",)),
    "workshop": ("title", ("title", "summary", "objectives")),
    "recommendation": ("text", ("text",)),
    "commitment": ("title", ("title", "description")),
    "milestone": ("title", ("title",)),
    "monitoringcommittee": ("name", ("name", "mandate")),
}


def written_in(text):
    """``"ar"`` when ``text`` holds an Arabic letter, else ``"fr"``."""
    return "ar" if ARABIC_LETTER.search(text or "") else "fr"


def forward(apps, schema_editor):
    for model_name, (main, fields) in TEXTS.items():
        model = apps.get_model("workshops", model_name)
        updated = ["language", *(f"{field}_{lang}" for field in fields for lang in ("ar", "fr"))]
        batch = []
        for record in model.objects.order_by("pk").iterator(chunk_size=500):
            record.language = written_in(getattr(record, main))
            for field in fields:
                setattr(record, f"{field}_{record.language}", getattr(record, field))
            batch.append(record)
            if len(batch) == 500:  # a bounded memory, whatever the table's size
                model.objects.bulk_update(batch, updated)
                batch = []
        model.objects.bulk_update(batch, updated)


class Migration(migrations.Migration):
    dependencies = [("workshops", "0015_texts_in_each_language")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
