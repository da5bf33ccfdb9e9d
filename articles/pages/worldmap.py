"""The map of a search: countries shaded by how many matching articles name them.

Shapes are Natural Earth's 110m countries as TopoJSON from the npm package world-atlas
(settings.NEWSROOM_WORLD_SHAPES, installed by `make install`), decoded and projected (Equal
Earth) once per process; a request only picks each country's shade and link. Counts are the
place facet's country roll-up (each place is filed under its country too, see
articles.search.documents) over the results themselves, a place filter applied (issue 18:
"Say what the numbers count"): a country's number is how many of these results name it,
and its link narrows the search to them.

The SVG is assembled here as text, like the facet checkboxes: 177 countries are the hot loop
of the search page. Every name and URL goes through html.escape (quotes included).
"""

from __future__ import annotations

import bisect
import functools
import json
import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape as html_escape

import pycountry
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from .. import selectors
from ..forms import SearchParams
from .timeline import articles_text

logger = logging.getLogger(__name__)

WIDTH = 500  # viewBox width; the height follows the projection's aspect
SHADES = 5
# Shapes Natural Earth leaves without an ISO number, and the code the archive files them
# under (the gazetteer's Kosovo); the others (N. Cyprus, Somaliland) are drawn without a link.
UNNUMBERED = {"Kosovo": "XK"}
LEFT_OUT = {"010"}  # Antarctica: no news desk, a fifth of the picture
MIN_STEP = 2  # viewBox units (Manhattan) between kept points of a border
SOUTHERNMOST = -57.0  # latitude where the picture ends (Cape Horn is at -56)


@dataclass(frozen=True)
class CountryShape:
    code: str  # ISO alpha-2, "" when Natural Earth gives none
    name: str
    path: str  # SVG path data in the map's viewBox

    @functools.cached_property
    def drawn(self) -> str:
        """The end of its <path> element when it has a link: a search only adds the start
        (its shade)."""
        return f' d="{self.path}"/>'


@dataclass(frozen=True)
class WorldShapes:
    shapes: tuple[CountryShape, ...]
    width: int
    height: int


# --- shapes: decoded and projected once per process ------------------------------------------


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


def _projected_arcs(topology: dict, scale: float) -> list[list[tuple[int, int]]]:
    """TopoJSON arcs in whole viewBox units: quantized deltas summed, scaled to degrees,
    projected, then thinned (a point closer than MIN_STEP to the last one kept is dropped,
    the ends are kept). Arcs are shared by neighbours, so borders stay shared."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points: list[tuple[int, int]] = []
        for n, (dx, dy) in enumerate(arc):
            x, y = x + dx, y + dy
            px, py = _equal_earth(math.radians(x * sx + tx), math.radians(y * sy + ty))
            point = (round((px + _X_MAX) * scale), round((_Y_MAX - py) * scale))
            if points and n < len(arc) - 1:
                last = points[-1]
                if abs(point[0] - last[0]) + abs(point[1] - last[1]) < MIN_STEP:
                    continue
            points.append(point)
        arcs.append(points)
    return arcs


def _ring(indexes: list[int], arcs) -> list[tuple[int, int]]:
    points: list[tuple[int, int]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]  # ~i: arc i walked backwards
        points.extend(arc if not points else arc[1:])
    return points


def _path(polygons: list[list[list[int]]], arcs) -> str:
    """SVG path data of a (multi)polygon: relative moves in whole viewBox units."""
    out = []
    for polygon in polygons:
        for indexes in polygon:
            steps: list[tuple[int, int]] = []
            for point in _ring(indexes, arcs):
                if not steps or point != steps[-1]:
                    steps.append(point)
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


def _alpha2(feature: dict) -> str:
    number = feature.get("id")
    if number is None:
        return UNNUMBERED.get(feature.get("properties", {}).get("name", ""), "")
    found = pycountry.countries.get(numeric=str(number).zfill(3))
    return found.alpha_2 if found else ""


@functools.cache
def world_shapes() -> WorldShapes | None:
    """Every country's outline in the map's viewBox, or None when the shapes are missing."""
    try:
        topology = json.loads(settings.NEWSROOM_WORLD_SHAPES.read_text(encoding="utf-8"))
        features = topology["objects"]["countries"]["geometries"]
    except (OSError, ValueError, KeyError) as exc:
        logger.warning(
            "no world map: %s (run `make install`, which installs it from npm): %s",
            settings.NEWSROOM_WORLD_SHAPES,
            exc,
        )
        return None
    scale = WIDTH / (2 * _X_MAX)
    arcs = _projected_arcs(topology, scale)
    # The picture ends below Cape Horn: without Antarctica the rest would be empty sea.
    height = round(_Y_MAX * scale + _equal_earth(0, math.radians(SOUTHERNMOST))[1] * -scale)
    shapes = []
    for feature in features:
        if feature.get("id") in LEFT_OUT:
            continue
        polygons = feature["arcs"] if feature["type"] == "MultiPolygon" else [feature["arcs"]]
        name = feature.get("properties", {}).get("name", "")
        shapes.append(CountryShape(_alpha2(feature), name, _path(polygons, arcs)))
    return WorldShapes(tuple(shapes), WIDTH, height)


# --- one search's map ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MapCountry:
    code: str
    slug: str
    name: str
    count: int
    url: str
    shade: int  # 1 (fewest) to SHADES (most)
    selected: bool = False


@dataclass(frozen=True)
class LegendStep:
    shade: int
    low: int
    high: int

    @property
    def text(self) -> str:
        return f"{self.low:,}" if self.low == self.high else f"{self.low:,}–{self.high:,}"


LISTED_BESIDE_MAP = 25


@dataclass(frozen=True)
class WorldMap:
    countries: list[MapCountry]  # every country with matching articles, most first
    legend: list[LegendStep]
    svg: SafeString | None  # None when the shapes are not installed: the list remains
    mapped: int  # countries drawn with a link

    # What the numbers count, as the page and the JSON say it.
    counted_text = "articles per country in these results"

    @property
    def most(self) -> int:
        return self.countries[0].count if self.countries else 0

    @property
    def listed(self) -> list[MapCountry]:
        """The countries of the list beside the map: the most named ones (the map links every
        country itself, and a broad search names 180), all of them when there is no map."""
        return self.countries[:LISTED_BESIDE_MAP] if self.svg else self.countries

    @property
    def unlisted(self) -> int:
        return len(self.countries) - len(self.listed)

    @property
    def table_rows(self) -> SafeString:
        """The listed countries as table rows with their links (the map's text twin), built
        as text."""
        rows = []
        for country in self.listed:
            current = ' aria-current="true"' if country.selected else ""
            rows.append(
                f'<tr><th scope="row"><a href="{html_escape(country.url)}"{current}>'
                f"{html_escape(country.name)}</a></th><td>{country.count:,}</td></tr>"
            )
        return mark_safe("".join(rows))  # noqa: S308 - names and URLs escaped above


def _steps(most: int) -> list[int]:
    """The highest count of each shade: logarithmic, since a few countries dominate."""
    highs = [math.floor(most ** (k / SHADES) + 1e-9) for k in range(1, SHADES + 1)]
    highs[-1] = most
    return highs


def _legend(highs: list[int]) -> list[LegendStep]:
    legend, low = [], 1
    for shade, high in enumerate(highs, start=1):
        if high >= low:
            legend.append(LegendStep(shade, low, high))
            low = high + 1
    return legend


def _country_url(params: SearchParams, url_of: Callable[[SearchParams], str]) -> Callable:
    """slug -> these results narrowed to the country: the country as the place filter when it
    has no value yet (one canonical URL with a stand-in, filled per country: slugs need no
    quoting), else the country required as well ("+iran"), or alone when it is one of the
    places chosen ("any of" them and it is it)."""
    chosen = params.include.get("place", ())
    if chosen or params.require.get("place"):

        def narrowed(slug: str) -> str:
            if slug in chosen:
                within = params.edited(include={**params.include, "place": (slug,)})
            else:
                within = params.with_value("place", f"+{slug}")
            return url_of(within.edited(format="html", facets=True))

        return narrowed
    stand_in = params.edited(include={**params.include, "place": ("\x00",)}, format="html")
    head, _, tail = url_of(stand_in.edited(facets=True)).partition("%00")
    return lambda slug: f"{head}{slug}{tail}"


def world_map(
    place_counts, params: SearchParams, url_of: Callable[[SearchParams], str]
) -> WorldMap | None:
    """The countries of ``place_counts`` (the place facet of a search, counted over its
    results) on the map: a country's link narrows the search to it, so the number on a
    country is what its link finds, whatever places are chosen now."""
    if place_counts is None:
        return None
    places = selectors.country_places()
    by_slug = {place.slug: place for place in places.values()}
    counts = place_counts.counts_for(by_slug)
    if not counts:
        return WorldMap([], [], None, 0)
    highs = _steps(max(counts.values()))
    url = _country_url(params, url_of)
    selected = set(params.include.get("place", ()))
    countries = sorted(
        (
            MapCountry(
                place.code,
                slug,
                place.name,
                count,
                url(slug),
                bisect.bisect_left(highs, count) + 1,
                slug in selected,
            )
            for slug, count in counts.items()
            for place in (by_slug[slug],)
        ),
        key=lambda c: (-c.count, c.name.casefold()),
    )
    svg, mapped = _svg({c.code: c for c in countries})
    return WorldMap(countries, _legend(highs), svg, mapped)


def _svg(by_code: Mapping[str, MapCountry]) -> tuple[SafeString | None, int]:
    world = world_shapes()
    if world is None:
        return None, 0
    parts = [
        f'<svg class="world-map-chart" viewBox="0 0 {world.width} {world.height}" '
        'role="group" aria-label="Map of the countries these articles name; '
        'each shaded country opens its articles.">'
    ]
    # The countries without articles are one shape: nothing to open, and 150 elements fewer
    # on a page that stays under a thousand (each outline starts with an absolute move).
    plain: list[str] = []
    mapped = 0
    for shape in world.shapes:
        country = by_code.get(shape.code) if shape.code else None
        if country is None:
            plain.append(shape.path)
            continue
        mapped += 1
        label = html_escape(f"{country.name}: {articles_text(country.count)}")
        selected = " is-selected" if country.selected else ""
        parts.append(
            f'<a href="{html_escape(country.url)}" class="map-country" aria-label="{label}" '
            f'data-count="{country.count}"><title>{label}</title>'
            f'<path class="country shade-{country.shade}{selected}"{shape.drawn}</a>'
        )
    if plain:
        parts.insert(1, f'<path class="country" d="{"".join(plain)}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts)), mapped  # noqa: S308 - names and URLs escaped above
