"""Costs and years as communes write them in their tables."""

from decimal import Decimal

import pytest

from programmes.cells import CellError, parse_cost, parse_years


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 200 000", "1200000"),
        ("1 200 000,00 DH", "1200000"),
        ("1.200.000", "1200000"),
        ("1,200,000", "1200000"),
        ("1\u00a0200\u00a0000", "1200000"),  # no-break spaces
        ("1\u202f200\u202f000 درهم", "1200000"),  # narrow no-break spaces
        ("١٢٠٠٠٠٠", "1200000"),  # Arabic-Indic digits
        ("۱۲۰۰۰۰۰ د.م.", "1200000"),  # Persian digits, "dirham" abbreviated
        ("3 500 000,00 Dhs.", "3500000"),
        ("1.200.000,50", "1200000.50"),
        ("1,200,000.50", "1200000.50"),
        ("1200,5", "1200.50"),
        ("450000 MAD", "450000"),
        ("2 M MAD", "2000000"),
        ("2,5 مليون درهم", "2500000"),
        ("1.5 MDH", "1500000"),
        ("12 000 dirhams", "12000"),
    ],
)
def test_costs_written_by_communes_read_in_dirhams(text, expected):
    assert parse_cost(text) == Decimal(expected).quantize(Decimal("0.01"))


@pytest.mark.parametrize("text", ["", "  ", "-"])
def test_empty_cost_is_none(text):
    assert parse_cost(text) is None


@pytest.mark.parametrize(
    "text", ["abc", "-5", "1,2345", "1.2.3", "environ 2 millions", "1 200 000 / 2", "1,20,000"]
)
def test_unreadable_costs_are_refused_with_the_value_in_the_message(text):
    with pytest.raises(CellError) as error:
        parse_cost(text)
    assert text.strip() in str(error.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-2025", (2023, 2025)),
        ("2023/2025", (2023, 2025)),
        ("2023 – 2025", (2023, 2025)),
        ("٢٠٢٣-٢٠٢٥", (2023, 2025)),
        ("من 2023 إلى 2025", (2023, 2025)),
        ("2023 à 2025", (2023, 2025)),
        ("2024", (2024, 2024)),
        ("", (None, None)),
    ],
)
def test_planned_years_in_any_writing(text, expected):
    assert parse_years(text, 2022, 2027) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2025-2023", "before"),
        ("2019", "outside"),
        ("2023 2024 2025", "not one year"),
        ("soon", "not one year"),
        ("2023-25", "not one year"),
    ],
)
def test_bad_years_are_refused(text, words):
    with pytest.raises(CellError, match=words):
        parse_years(text, 2022, 2027)
