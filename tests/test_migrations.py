"""Migrations match the models, and the reference-data migration loads what HCP publishes."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from regions.models import Province, Region

# Provinces and prefectures per region, codes "01".."12" (HCP, 2015 division).
PROVINCES_PER_REGION = {
    "01": 8,
    "02": 8,
    "03": 9,
    "04": 7,
    "05": 5,
    "06": 9,
    "07": 8,
    "08": 5,
    "09": 6,
    "10": 4,
    "11": 4,
    "12": 2,
}


@pytest.mark.django_db
def test_models_have_no_changes_missing_a_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=StringIO())
    except SystemExit as exit_:  # makemigrations --check exits 1 when a migration is missing
        pytest.fail(f"makemigrations --check exited {exit_.code}:\n{out.getvalue()}")
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_reference_data_has_12_regions_and_75_provinces():
    assert Region.objects.count() == 12
    assert Province.objects.count() == 75


@pytest.mark.django_db
def test_reference_data_has_the_provinces_of_each_region():
    counts = dict(Region.objects.annotate(n=Count("provinces")).values_list("code", "n"))

    assert counts == PROVINCES_PER_REGION


@pytest.mark.django_db
def test_reference_data_sums_to_the_2024_census_population():
    total = Region.objects.aggregate(total=Sum("population_2024"))["total"]

    assert total == 36_828_330
