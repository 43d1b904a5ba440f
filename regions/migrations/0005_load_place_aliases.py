"""Load the known aliases of regions and provinces from regions/data/aliases.csv, each with the
citation of its source (regions/data/alias_sources.csv; see regions/data/SOURCES.md).

Idempotent: an alias whose folded key is already there (for its kind) is left as it is, so an
alias a staff member changed or recorded first is kept.
"""

import csv
from pathlib import Path

from django.db import migrations

from regions.names import fold

DATA = Path(__file__).resolve().parent.parent / "data"
SOURCE = "{citation} ({url})"


def load(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    Province = apps.get_model("regions", "Province")
    PlaceAlias = apps.get_model("regions", "PlaceAlias")
    with open(DATA / "alias_sources.csv", encoding="utf-8") as f:
        sources = {
            row["key"]: SOURCE.format(**row) if row["url"] else row["citation"] for row in csv.DictReader(f)
        }
    places = {
        "region": {region.code: region for region in Region.objects.all()},
        "province": {province.code: province for province in Province.objects.all()},
    }
    with open(DATA / "aliases.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            place = places[row["kind"]][row["code"]]
            PlaceAlias.objects.get_or_create(
                kind=row["kind"],
                key=fold(row["alias"]),
                defaults={
                    "alias": row["alias"],
                    row["kind"]: place,
                    "source": sources[row["source"]],
                },
            )


class Migration(migrations.Migration):
    dependencies = [("regions", "0004_placealias")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
