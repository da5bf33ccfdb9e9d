"""The map's country outlines and marks, in its viewBox: decoded and projected once per process.

Outlines are Natural Earth's 110m countries as TopoJSON from the npm package world-atlas
(settings.NEWSROOM_WORLD_SHAPES), projected with Equal Earth. Two things a flat picture of
them must fix:

- Rings that cross the antimeridian (Russia's Chukotka, Fiji) jump from +180° to -180° of
  longitude; drawn as they are, each jump is a line across the whole world. They are cut at
  ±180° before projection, each part drawn on its side.
- States too small to see or to point at (Luxembourg at 110m is a speck; Bahrain, Singapore,
  Hong Kong and 58 more are missing from it) are drawn as a mark, a dot at the centre of
  their largest part; the centres of those missing come from Natural Earth's 50m shapes
  (settings.NEWSROOM_WORLD_MARKS, the same package).
"""

from __future__ import annotations

import functools
import json
import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pycountry
from django.conf import settings

logger = logging.getLogger(__name__)

WIDTH = 500  # viewBox width; the height follows the projection's aspect
# Shapes Natural Earth leaves without an ISO number, and the code the archive files them
# under (the gazetteer's Kosovo); the others (N. Cyprus, Somaliland) are drawn without a link.
UNNUMBERED = {"Kosovo": "XK"}
LEFT_OUT = {"010"}  # Antarctica: no news desk, a fifth of the picture
MIN_STEP = 2  # viewBox units (Manhattan) between kept points of a border
SOUTHERNMOST = -57.0  # latitude where the picture ends (Cape Horn is at -56)
SMALL = 3.0  # viewBox units: a state whose outline is no wider nor taller is drawn as a mark
MARK_RADIUS = 2.5  # viewBox units
EDGE_STEP = 2.0  # degrees of latitude between points where a cut follows the antimeridian

Ring = list[tuple[float, float]]  # (longitude, latitude) in degrees, first point == last


@dataclass(frozen=True)
class CountryShape:
    code: str  # ISO alpha-2, "" when Natural Earth gives none
    name: str
    path: str  # SVG path data in the map's viewBox; "" when too small for the outlines
    centre: tuple[float, float]  # viewBox point of its largest part: where its mark goes
    small: bool  # drawn as a mark: its outline is missing or too small to see

    def markup(self, css_class: str) -> str:
        """Its element(s) with ``css_class`` (a shade): the outline, and the mark of a small
        state on top."""
        parts = []
        if self.path:
            parts.append(f'<path class="{css_class}" d="{self.path}"/>')
        if self.small:
            x, y = self.centre
            parts.append(
                f'<circle class="{css_class} mark" cx="{x:g}" cy="{y:g}" r="{MARK_RADIUS:g}"/>'
            )
        return "".join(parts)


@dataclass(frozen=True)
class WorldShapes:
    shapes: tuple[CountryShape, ...]
    width: int
    height: int


# --- projection -------------------------------------------------------------------------------


def _equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Equal Earth projection (Šavrič, Patterson, Jenny 2018), radians in, unit plane out."""
    a1, a2, a3, a4 = 1.340264, -0.081106, 0.000893, 0.003796
    theta = math.asin(math.sqrt(3) / 2 * math.sin(lat))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = (
        2
        * math.sqrt(3)
        * lon
        * math.cos(theta)
        / (3 * (9 * a4 * t6 * t2 + 7 * a3 * t6 + 3 * a2 * t2 + a1))
    )
    y = theta * (a1 + a2 * t2 + t6 * (a3 + a4 * t2))
    return x, y


_X_MAX, _Y_MAX = _equal_earth(math.pi, 0)[0], _equal_earth(0, math.pi / 2)[1]
_SCALE = WIDTH / (2 * _X_MAX)


def project(lon: float, lat: float) -> tuple[float, float]:
    """Degrees to the map's viewBox (x to the east, y down)."""
    x, y = _equal_earth(math.radians(lon), math.radians(lat))
    return (x + _X_MAX) * _SCALE, (_Y_MAX - y) * _SCALE


# --- the antimeridian -------------------------------------------------------------------------


def cut_at_antimeridian(ring: Ring) -> list[Ring]:
    """The ring as parts that each stay within -180..180° of longitude.

    A ring that jumps across ±180° is first made continuous (its longitudes may then run
    past 180°), then clipped to the world, once as it is and once moved by 360° each way;
    what falls on the far side comes back on the near one. The clip's new edges follow the
    antimeridian, with points every EDGE_STEP degrees so that they follow the map's curved
    edge. A ring around a pole (Antarctica, left out) does not close when made continuous
    and is returned as it was.
    """
    if all(abs(b[0] - a[0]) <= 180 for a, b in pairwise(ring)):
        return [ring]
    continuous = [ring[0]]
    for lon, lat in ring[1:]:
        previous = continuous[-1][0]
        lon += 360 * round((previous - lon) / 360)
        continuous.append((lon, lat))
    if abs(continuous[-1][0] - continuous[0][0]) > 1e-9:
        return [ring]
    parts = []
    for shift in (-360, 0, 360):
        moved = [(lon + shift, lat) for lon, lat in continuous]
        if max(lon for lon, _ in moved) <= -180 or min(lon for lon, _ in moved) >= 180:
            continue
        part = _clip(_clip(moved, 180.0, below=True), -180.0, below=False)
        if len(part) >= 3 and _area(part) > 1e-9:
            parts.append(_along_edges(part + part[:1]))
    return parts


def _clip(ring: Ring, edge: float, *, below: bool) -> Ring:
    """Sutherland–Hodgman against the meridian ``edge``: the part west of it (``below``) or
    east of it, as an open ring. A concave ring may come back as one ring joined along the
    edge, which fills the same area."""
    inside = (lambda p: p[0] <= edge) if below else (lambda p: p[0] >= edge)
    out: Ring = []
    for a, b in _edges(ring if ring[0] != ring[-1] else ring[:-1]):
        if inside(a):
            out.append(a)
        if inside(a) != inside(b):
            t = (edge - a[0]) / (b[0] - a[0])
            out.append((edge, a[1] + t * (b[1] - a[1])))
    return out


def _along_edges(ring: Ring) -> Ring:
    """Points every EDGE_STEP degrees where the ring runs along ±180°."""
    out = [ring[0]]
    for (lon0, lat0), (lon1, lat1) in pairwise(ring):
        if abs(lon0) == abs(lon1) == 180 and lon0 == lon1:
            steps = int(abs(lat1 - lat0) // EDGE_STEP)
            out.extend((lon0, lat0 + (lat1 - lat0) * k / (steps + 1)) for k in range(1, steps + 1))
        out.append((lon1, lat1))
    return out


def _edges(points: list[tuple[float, float]]):
    """Each point with the next, the last with the first."""
    return zip(points, points[1:] + points[:1], strict=True)


def _area(points: Iterable[tuple[float, float]]) -> float:
    """Unsigned shoelace area of a ring (open or closed)."""
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in _edges(list(points)))) / 2


def _centroid(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Area centroid of a ring; its mean point when it has no area."""
    cross = [(x0 * y1 - x1 * y0, x0 + x1, y0 + y1) for (x0, y0), (x1, y1) in _edges(points)]
    twice_area = sum(c for c, _, _ in cross)
    if abs(twice_area) < 1e-9:
        return sum(x for x, _ in points) / len(points), sum(y for _, y in points) / len(points)
    return (
        sum(c * sx for c, sx, _ in cross) / (3 * twice_area),
        sum(c * sy for c, _, sy in cross) / (3 * twice_area),
    )


# --- TopoJSON ---------------------------------------------------------------------------------


def _decoded_arcs(topology: dict, wanted: set[int] | None, min_step: float) -> dict[int, Ring]:
    """TopoJSON arcs as degrees (quantized deltas summed, scaled), thinned in the viewBox: a
    point closer than ``min_step`` (Manhattan) to the last one kept is dropped, the ends are
    kept. Arcs are shared by neighbours, so thinned borders stay shared. ``wanted``: only
    these arcs (None: all)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = {}
    for number, arc in enumerate(topology["arcs"]):
        if wanted is not None and number not in wanted:
            continue
        x = y = 0
        points: Ring = []
        last = (-1e9, -1e9)
        for n, (dx, dy) in enumerate(arc):
            x, y = x + dx, y + dy
            lon, lat = x * sx + tx, y * sy + ty
            px, py = project(lon, lat)
            if points and n < len(arc) - 1 and abs(px - last[0]) + abs(py - last[1]) < min_step:
                continue
            points.append((lon, lat))
            last = (px, py)
        arcs[number] = points
    return arcs


def _rings(feature: dict, arcs: dict[int, Ring]) -> list[Ring]:
    polygons = feature["arcs"] if feature["type"] == "MultiPolygon" else [feature["arcs"]]
    rings = []
    for polygon in polygons:
        for indexes in polygon:
            points: Ring = []
            for i in indexes:
                arc = arcs[i] if i >= 0 else arcs[~i][::-1]  # ~i: arc i walked backwards
                points.extend(arc if not points else arc[1:])
            rings.append(points)
    return rings


def _arc_numbers(feature: dict) -> set[int]:
    polygons = feature["arcs"] if feature["type"] == "MultiPolygon" else [feature["arcs"]]
    return {i if i >= 0 else ~i for polygon in polygons for ring in polygon for i in ring}


def _projected_parts(rings: list[Ring]) -> list[list[tuple[float, float]]]:
    return [
        [project(lon, lat) for lon, lat in part]
        for ring in rings
        for part in cut_at_antimeridian(ring)
    ]


def _path(parts: list[list[tuple[float, float]]]) -> str:
    """SVG path data of projected rings: relative moves in whole viewBox units; a ring that
    shrinks to fewer than three distinct points is left out."""
    out = []
    for part in parts:
        steps: list[tuple[int, int]] = []
        for x, y in part:
            point = (round(x), round(y))
            if not steps or point != steps[-1]:
                steps.append(point)
        if len(steps) > 1 and steps[0] == steps[-1]:
            steps.pop()  # "z" closes it
        if len(steps) < 3:
            continue  # an island smaller than a unit of the viewBox
        x0, y0 = steps[0]
        pairs = zip(steps[:-1], steps[1:], strict=True)
        moves = _numbers(v for (px, py), (x, y) in pairs for v in (x - px, y - py))
        out.append(f"M{x0} {y0}l{moves}z")
    return "".join(out)


def _numbers(values) -> str:
    """Path numbers as SVG's grammar allows them: a minus sign separates like a space."""
    out = []
    for value in values:
        out.append(str(value) if value < 0 or not out else f" {value}")
    return "".join(out)


def _shape(code: str, name: str, parts: list[list[tuple[float, float]]], path: str) -> CountryShape:
    largest = max(parts, key=_area)
    centre = tuple(round(v, 1) for v in _centroid(largest))
    xs = [x for part in parts for x, _ in part]
    ys = [y for part in parts for _, y in part]
    small = not path or max(max(xs) - min(xs), max(ys) - min(ys)) <= SMALL
    return CountryShape(code, name, path, centre, small)


def _alpha2(feature: dict) -> str:
    number = feature.get("id")
    if number is None:
        return UNNUMBERED.get(feature.get("properties", {}).get("name", ""), "")
    found = pycountry.countries.get(numeric=str(number).zfill(3))
    return found.alpha_2 if found else ""


def _read_topology(path: Path) -> dict | None:
    try:
        topology = json.loads(path.read_text(encoding="utf-8"))
        topology["objects"]["countries"]["geometries"]  # noqa: B018 - checks it is there
    except (OSError, ValueError, KeyError) as exc:
        logger.warning(
            "no world map shapes: %s (run `make install`, which installs them from npm): %s",
            path,
            exc,
        )
        return None
    return topology


def _missing_states(known: set[str]) -> list[CountryShape]:
    """The states the outlines leave out, as marks at their centre in the finer shapes (none
    when that file is missing: they stay in the list beside the map)."""
    topology = _read_topology(settings.NEWSROOM_WORLD_MARKS)
    if topology is None:
        return []
    features = [
        f
        for f in topology["objects"]["countries"]["geometries"]
        if f.get("id") not in LEFT_OUT and f.get("arcs") and _alpha2(f) not in known
    ]
    wanted = set().union(*(_arc_numbers(f) for f in features)) if features else set()
    arcs = _decoded_arcs(topology, wanted, min_step=0)
    marks = []
    for feature in features:
        code = _alpha2(feature)
        parts = _projected_parts(_rings(feature, arcs))
        if code and parts:
            marks.append(_shape(code, feature.get("properties", {}).get("name", ""), parts, ""))
    return marks


@functools.cache
def world_shapes() -> WorldShapes | None:
    """Every country's outline (or mark) in the map's viewBox, or None when the shapes are
    missing."""
    topology = _read_topology(settings.NEWSROOM_WORLD_SHAPES)
    if topology is None:
        return None
    arcs = _decoded_arcs(topology, None, min_step=MIN_STEP)
    # The picture ends below Cape Horn: without Antarctica the rest would be empty sea.
    height = round(project(0, SOUTHERNMOST)[1])
    shapes = []
    for feature in topology["objects"]["countries"]["geometries"]:
        if feature.get("id") in LEFT_OUT:
            continue
        parts = _projected_parts(_rings(feature, arcs))
        name = feature.get("properties", {}).get("name", "")
        shapes.append(_shape(_alpha2(feature), name, parts, _path(parts)))
    shapes += _missing_states({s.code for s in shapes if s.code})
    return WorldShapes(tuple(shapes), WIDTH, height)
