"""Load the 12 regions and 75 provinces/prefectures from regions/data/*.csv (HCP, RGPH 2024).

Idempotent: rows are matched on their official code and updated in place.
"""

import csv
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    Province = apps.get_model("regions", "Province")
    with open(DATA / "regions.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Region.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name_fr": row["name_fr"],
                    "name_ar": row["name_ar"],
                    "name_en": row["name_en"],
                    "slug": slugify(row["name_fr"]),
                    "capital_fr": row["capital_fr"],
                    "capital_ar": row["capital_ar"],
                    "population_2014": int(row["population_2014"]),
                    "population_2024": int(row["population_2024"]),
                },
            )
    regions = {r.code: r for r in Region.objects.all()}
    with open(DATA / "provinces.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Province.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name_fr": row["name_fr"],
                    "name_ar": row["name_ar"],
                    "kind": row["kind"],
                    "region": regions[row["region_code"]],
                },
            )


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
