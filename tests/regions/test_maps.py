"""The map of the regions: shapes projected from the GeoJSON, colour classes and legend."""

import re
from decimal import Decimal

import pytest

from regions import maps
from regions.models import Region


def points(path):
    """Absolute (x, y) vertices of path data written as ``maps`` writes it (M, then l…z)."""
    result = []
    for ring in re.findall(r"M([^l]+)l([^z]*)z", path):
        start, steps = ring
        x, y = (float(n) for n in re.findall(r"-?[\d.]+", start))
        result.append((x, y))
        numbers = [float(n) for n in re.findall(r"-?(?:\d+\.?\d*|\.\d+)", steps)]
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            x, y = x + dx, y + dy
            result.append((x, y))
    return result


def test_shapes_hold_the_12_regions_inside_the_view_box():
    shapes = maps.shapes()
    assert sorted(shapes.paths) == [f"{n:02d}" for n in range(1, 13)]
    assert shapes.view_box == f"0 0 600 {shapes.height}"
    for code, path in shapes.paths.items():
        vertices = points(path)
        assert len(vertices) > 50, code
        assert all(0 <= x <= shapes.width and 0 <= y <= shapes.height for x, y in vertices), code


def test_shapes_keep_north_up_and_east_right():
    def centre(code):
        vertices = points(maps.shapes().paths[code])
        return (sum(x for x, _y in vertices) / len(vertices), sum(y for _x, y in vertices) / len(vertices))

    tangier, oriental, souss, dakhla = centre("01"), centre("02"), centre("09"), centre("12")
    assert tangier[1] < souss[1] < dakhla[1]
    assert oriental[0] > tangier[0] > dakhla[0]


def test_shapes_are_projected_once_and_stay_small():
    assert maps.shapes() is maps.shapes()
    assert sum(len(path) for path in maps.shapes().paths.values()) < 40_000


@pytest.mark.parametrize(
    ("values", "decimals", "breaks"),
    [
        ([0, 0, 0], 0, []),
        ([0, 1], 0, ["1"]),
        ([0, 3, 1], 0, ["1", "2", "3"]),
        ([0, 17, 16, 4], 0, ["5", "10", "15", "20"]),
        ([7], 0, ["2", "4", "6", "8"]),
        ([100, 1], 0, ["25", "50", "75", "100"]),
        ([0.38, 0.67, 0.4], 2, ["0.20", "0.40", "0.60", "0.80"]),
        ([0.01], 2, ["0.01"]),
    ],
)
def test_class_breaks_are_nice_equal_steps_up_to_the_largest_value(values, decimals, breaks):
    assert maps.class_breaks(values, decimals) == [Decimal(b) for b in breaks]


def test_class_of_puts_zero_apart_and_each_value_under_its_upper_bound():
    breaks = [Decimal(5), Decimal(10), Decimal(15), Decimal(20)]
    assert [maps.class_of(v, breaks) for v in (0, 1, 5, 6, 10, 16, 20)] == [0, 1, 1, 2, 2, 4, 4]


@pytest.mark.django_db
def test_choropleth_classes_regions_and_builds_the_legend():
    rows = [
        {"region": region, "workshops": 0, "participants": 0, "per_100k": 0.0, "open_commitments": 0}
        for region in Region.objects.all()
    ]
    rows[2]["participants"] = 17
    rows[4]["participants"] = 4
    region_map = maps.choropleth(rows, "participants")
    assert region_map.measure.key == "participants"
    assert len(region_map.regions) == 12
    assert {item.region.code: item.css_class for item in region_map.regions if item.css_class} == {
        "03": 4,
        "05": 1,
    }
    assert [(entry.css_class, entry.low, entry.high) for entry in region_map.legend] == [
        (0, 0, 0),
        (1, 1, 5),
        (2, 6, 10),
        (3, 11, 15),
        (4, 16, 20),
    ]
    assert region_map.regions[2].path == maps.shapes().paths["03"]


@pytest.mark.django_db
@pytest.mark.parametrize("key", [None, "", "population", "workshops'--", "per_100k "])
def test_choropleth_of_an_unknown_measure_shows_workshops(key):
    rows = [
        {"region": region, "workshops": 1, "participants": 0, "per_100k": 0.0, "open_commitments": 0}
        for region in Region.objects.all()
    ]
    assert maps.choropleth(rows, key).measure.key == "workshops"
