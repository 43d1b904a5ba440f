"""Morocco's 12 regions as SVG, projected on the server: no tiles, no script, no CDN.

The shapes come from ``regions/data/regions.geojson`` (geoBoundaries gbOpen MAR ADM1, from
OpenStreetMap; ODbL 1.0: a page that shows them credits "© OpenStreetMap contributors,
geoBoundaries"). They are projected once per process and kept in memory (``shapes()``).

Projection: equirectangular, longitudes scaled by the cosine of the map's middle latitude so that
shapes keep their proportions at Morocco's latitudes (21°N-36°N). Coordinates are snapped to a
half-unit grid of the SVG's user space: a vertex shared by two regions snaps to the same point in
both, so borders stay shared, and the page carries no detail finer than a screen pixel.

``choropleth()`` sorts regions into colour classes for one measure and returns what the template
``regions/_map.html`` draws: the paths, each region's value and class, and the legend.
"""

import json
import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

GEOJSON = Path(__file__).resolve().parent / "data" / "regions.geojson"

# Width of the SVG's user space (viewBox); the height follows from the projection.
WIDTH = 600
MARGIN = 4
# Grid step, in user units, to which vertices snap.
GRID = 0.5
# Colour classes above "none" (class 0). Their colours are in static/css/site.css.
CLASSES = 4


@dataclass(frozen=True)
class Shapes:
    """Projected regions: ``paths`` maps a region code (``"01"``…``"12"``) to SVG path data."""

    width: int
    height: int
    paths: dict

    @property
    def view_box(self):
        return f"0 0 {self.width} {self.height}"


@dataclass(frozen=True)
class Measure:
    """A figure the map can show. ``key`` is the value of the ``measure`` GET parameter and of
    the row's dict key in ``workshops.reports.region_measures()``; ``decimals`` is the number of
    decimals shown (0 for counts)."""

    key: str
    label: str
    description: str
    decimals: int = 0


MEASURES = [
    Measure(
        "workshops",
        _("Workshops"),
        _("Published workshops held in or aimed at the region."),
    ),
    Measure(
        "participants",
        _("Participants"),
        _("People from the region who attended a published workshop (each counted once)."),
    ),
    Measure(
        "per_100k",
        _("Participants per 100,000 inhabitants"),
        _("Participants from the region per 100,000 inhabitants (RGPH 2024 legal population)."),
        decimals=2,
    ),
    Measure(
        "open_commitments",
        _("Open commitments"),
        _("Commitments aimed at the region that are neither complete nor withdrawn."),
    ),
]
MEASURES_BY_KEY = {measure.key: measure for measure in MEASURES}
DEFAULT_MEASURE = "workshops"


def measure_named(key):
    """Return the Measure whose key is ``key``, or the default one for anything else."""
    return MEASURES_BY_KEY.get(key) or MEASURES_BY_KEY[DEFAULT_MEASURE]


def _rings(geometry):
    """Yield the rings (lists of [lon, lat]) of a GeoJSON Polygon or MultiPolygon."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for polygon in polygons:
        yield from polygon


def _number(value):
    """Format a grid coordinate for path data as short as SVG allows: ``12``, ``-.5``, ``.5``."""
    text = f"{value:g}"
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def _pair(x, y):
    """``x`` and ``y`` for path data; a minus sign separates them as well as a space does."""
    second = _number(y)
    return _number(x) + (second if second.startswith("-") else " " + second)


def _path(rings, project):
    """SVG path data for ``rings``: absolute move-to, then relative line-tos, closed.

    Consecutive vertices that snap to the same grid point, and vertices in a straight line
    between their neighbours, are dropped.
    """
    parts = []
    for ring in rings:
        points = []
        for lon, lat in ring:
            point = project(lon, lat)
            if not points or point != points[-1]:
                points.append(point)
        if len(points) > 1 and points[0] == points[-1]:
            points.pop()
        kept = [
            point
            for i, point in enumerate(points)
            if (point[0] - points[i - 1][0]) * (points[(i + 1) % len(points)][1] - point[1])
            != (point[1] - points[i - 1][1]) * (points[(i + 1) % len(points)][0] - point[0])
        ]
        if len(kept) < 3:
            continue
        x, y = kept[0]
        # After "l", further pairs are implicit line-tos: a space (or a minus sign) is enough.
        data = f"M{_pair(x, y)}l"
        for index, (next_x, next_y) in enumerate(kept[1:]):
            pair = _pair(next_x - x, next_y - y)
            data += pair if index == 0 or pair.startswith("-") else " " + pair
            x, y = next_x, next_y
        parts.append(data + "z")
    return "".join(parts)


@cache
def shapes():
    """Read and project ``regions.geojson`` once; return a ``Shapes``.

    Raises ``FileNotFoundError`` or ``ValueError`` if the file is missing or not GeoJSON.
    """
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    features = {feature["properties"]["code"]: feature for feature in data["features"]}
    points = [
        point for feature in features.values() for ring in _rings(feature["geometry"]) for point in ring
    ]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    stretch = math.cos(math.radians((south + north) / 2))
    scale = (WIDTH - 2 * MARGIN) / ((east - west) * stretch)
    height = math.ceil((north - south) * scale + 2 * MARGIN)

    def project(lon, lat):
        x = MARGIN + (lon - west) * stretch * scale
        y = MARGIN + (north - lat) * scale
        return (round(x / GRID) * GRID, round(y / GRID) * GRID)

    paths = {code: _path(_rings(feature["geometry"]), project) for code, feature in sorted(features.items())}
    return Shapes(width=WIDTH, height=height, paths=paths)


def _nice_step(value):
    """The smallest of 1, 2, 2.5 or 5 times a power of ten that is >= ``value`` (> 0)."""
    exponent = math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        step = Decimal(factor) * Decimal(10) ** exponent
        if step >= Decimal(str(value)):
            return step
    return Decimal(10) ** (exponent + 1)


def class_breaks(values, decimals=0, classes=CLASSES):
    """Upper bounds of the colour classes for ``values`` (numbers >= 0), as Decimals.

    Zero has its own class (0, "none"). Positive values fall into at most ``classes`` classes of
    equal width, a "nice" step (1, 2, 2.5 or 5 times a power of ten, at least one unit of the
    last decimal shown), from 0 to the largest value: class ``k`` (1-based) holds values in
    ``(breaks[k-2], breaks[k-1]]``. Returns ``[]`` when no value is positive.
    """
    unit = Decimal(1).scaleb(-decimals)
    largest = max((Decimal(str(value)) for value in values), default=Decimal(0))
    if largest <= 0:
        return []
    step = max(_nice_step(largest / classes), unit)
    if decimals == 0:
        step = step.to_integral_value(rounding=ROUND_CEILING)
    count = min(classes, int((largest / step).to_integral_value(rounding=ROUND_CEILING)))
    return [step * k for k in range(1, count + 1)]


# The colour class of a value hidden for publication (None): too small to show.
HIDDEN = "hidden"


def class_of(value, breaks):
    """The colour class of ``value``: ``HIDDEN`` for None (a count hidden for publication), 0
    for zero, else the 1-based index of its class."""
    if value is None:
        return HIDDEN
    if not value or value <= 0:
        return 0
    value = Decimal(str(value))
    for index, upper in enumerate(breaks, start=1):
        if value <= upper:
            return index
    return len(breaks)


@dataclass(frozen=True)
class MapRegion:
    region: object
    value: object
    css_class: int
    path: str


@dataclass(frozen=True)
class LegendEntry:
    """One class of the legend: values from ``low`` to ``high`` (equal for a one-value class;
    both 0 for the "none" class; both None for ``HIDDEN``)."""

    css_class: int | str
    low: object
    high: object


@dataclass(frozen=True)
class RegionMap:
    measure: Measure
    measures: list
    regions: list
    legend: list
    shapes: Shapes


def choropleth(rows, measure_key):
    """Build the map of ``rows`` for the measure named ``measure_key`` (unknown: the default).

    ``rows`` are dicts with a ``region`` (Region) and one key per measure, as
    ``workshops.publication.region_measures()`` returns them; a value may be None (hidden by
    the publication rule, ``workshops.publication``): such regions get the ``HIDDEN`` class and the legend an
    entry for it. Values are rounded to the measure's decimals before they are classed, so
    that the legend's ranges match the numbers shown.
    Returns a ``RegionMap``; regions without a shape in the GeoJSON are left off the map
    (they stay in the table).
    """
    measure = measure_named(measure_key)
    map_shapes = shapes()
    values = [None if row[measure.key] is None else round(row[measure.key], measure.decimals) for row in rows]
    breaks = class_breaks([value for value in values if value is not None], measure.decimals)
    regions = [
        MapRegion(row["region"], value, class_of(value, breaks), map_shapes.paths[row["region"].code])
        for row, value in zip(rows, values, strict=True)
        if row["region"].code in map_shapes.paths
    ]
    unit = Decimal(1).scaleb(-measure.decimals)
    legend = [LegendEntry(0, 0, 0)]
    low = Decimal(0)
    for index, upper in enumerate(breaks, start=1):
        legend.append(LegendEntry(index, low + unit, upper))
        low = upper
    if None in values:
        legend.append(LegendEntry(HIDDEN, None, None))
    return RegionMap(measure=measure, measures=MEASURES, regions=regions, legend=legend, shapes=map_shapes)
