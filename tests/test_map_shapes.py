"""The map's geometry, from the real Natural Earth shapes in node_modules (world-atlas): no
line across the world at the antimeridian, every state with articles drawn and a target,
small states as marks."""

from __future__ import annotations

import re

import pytest

from articles.pages import map_shapes, worldmap
from articles.pages.map_shapes import cut_at_antimeridian, project, world_shapes

from .conftest import REPO

pytestmark = pytest.mark.skipif(
    not (REPO / "node_modules" / "world-atlas" / "countries-50m.json").exists(),
    reason="world-atlas is not installed in node_modules: run `make test-deps`",
)


def rings(path: str) -> list[list[tuple[int, int]]]:
    """The absolute points of each subpath of path data written as "Mx yl dx dy ... z"."""
    out = []
    for x, y, moves in re.findall(r"M(-?\d+) (-?\d+)l([^Mz]*)z", path):
        point = (int(x), int(y))
        points = [point]
        numbers = [int(n) for n in re.findall(r"-?\d+", moves)]
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            point = (point[0] + dx, point[1] + dy)
            points.append(point)
        out.append(points)
    return out


def by_name(name: str) -> map_shapes.CountryShape:
    return next(s for s in world_shapes().shapes if s.name == name)


def test_no_edge_of_any_country_crosses_half_the_world():
    world = world_shapes()
    wide = []
    for shape in world.shapes:
        assert shape.path.count("M") == len(rings(shape.path)), shape.name
        for ring in rings(shape.path):
            for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):  # with "z"
                if abs(x1 - x0) > world.width / 2:
                    wide.append((shape.name, (x0, y0), (x1, y1)))
    assert wide == []
    # Russia keeps its far east: a part on each side of the date line.
    russia = [x for ring in rings(by_name("Russia").path) for x, _ in ring]
    assert min(russia) <= project(-175, 66)[0] and max(russia) >= project(175, 66)[0]


def test_a_ring_across_the_antimeridian_is_cut_into_one_part_on_each_side():
    square = [(170.0, -10.0), (-170.0, -10.0), (-170.0, 10.0), (170.0, 10.0), (170.0, -10.0)]
    parts = cut_at_antimeridian(square)
    assert len(parts) == 2
    spans = sorted((min(lon for lon, _ in p), max(lon for lon, _ in p)) for p in parts)
    assert spans == [(-180.0, -170.0), (170.0, 180.0)]
    for part in parts:  # each closed, its new edge on the meridian in EDGE_STEP steps
        assert part[0] == part[-1]
        edge = [lat for lon, lat in part if abs(lon) == 180]
        assert min(edge) == -10 and max(edge) == 10 and len(edge) >= 20 / map_shapes.EDGE_STEP
    assert cut_at_antimeridian(square[::-1]) != [square[::-1]]
    inland = [(10.0, 0.0), (20.0, 0.0), (20.0, 10.0), (10.0, 0.0)]
    assert cut_at_antimeridian(inland) == [inland]


def a_map_naming_every_state() -> str:
    """The SVG of a search whose articles name every state the shapes know."""
    countries = {
        shape.code: worldmap.MapCountry(
            shape.code, shape.code.lower(), shape.name, 3, f"/search/?place={shape.code}", 2
        )
        for shape in world_shapes().shapes
        if shape.code
    }
    svg, mapped = worldmap._svg(countries)
    assert mapped == len(countries)
    return str(svg)


def test_every_state_with_articles_is_drawn_and_small_ones_as_marks():
    svg = a_map_naming_every_state()
    links = re.findall(r'<a href="/search/\?place=(\w+)"[^>]*>(.*?)</a>', svg)
    assert len(links) > 230
    for code, inside in links:
        drawn = re.findall(r'<path class="[^"]*" d="M\d', inside) or re.findall(r"<circle ", inside)
        assert drawn, f"{code} is a link with nothing to see or point at"
    marks = {code for code, inside in links if '<circle class="country shade-2 mark"' in inside}
    # Not in the 110m outlines at all, or a speck in them (Luxembourg).
    assert {"BH", "HK", "SG", "MT", "LU"} <= marks
    assert not {"US", "RU", "FR", "DE", "IR", "IQ"} & marks
    # Marks come after every outline, so that no neighbour covers them.
    with_mark = [" mark" in inside for _, inside in links]
    assert with_mark == sorted(with_mark)


@pytest.mark.parametrize(
    ("name", "lon", "lat"),
    [("Singapore", 103.8, 1.35), ("Bahrain", 50.55, 26.05), ("Hong Kong", 114.15, 22.35)],
)
def test_a_mark_sits_on_its_state(name, lon, lat):
    shape = by_name(name)
    x, y = project(lon, lat)
    assert abs(shape.centre[0] - x) < 1.5 and abs(shape.centre[1] - y) < 1.5
    assert shape.small and shape.path == ""


def test_the_map_of_a_search_is_labelled_and_has_no_role():
    svg = a_map_naming_every_state()
    head = svg[: svg.index(">") + 1]
    assert 'aria-label="Map of the countries' in head and "role=" not in head
    assert " style=" not in svg and "<script" not in svg


def test_without_the_finer_shapes_the_outlines_remain(settings, tmp_path):
    settings.NEWSROOM_WORLD_MARKS = tmp_path / "missing.json"
    world_shapes.cache_clear()
    try:
        world = world_shapes()
        names = {shape.name for shape in world.shapes}
        assert "Russia" in names and "Singapore" not in names
        assert by_name("Luxembourg").small  # its mark still comes from the outlines
    finally:
        world_shapes.cache_clear()
