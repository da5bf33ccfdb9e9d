"""The map of a search: countries shaded by how many matching articles name them.

The shapes are decoded and projected once per process (articles.pages.map_shapes); a
request only picks each country's shade and link. Counts are the place facet's country
roll-up (each place is filed under its country too, see articles.search.documents) over the
results themselves, a place filter applied (issue 18: "Say what the numbers count"): a
country's number is how many of these results name it, and its link narrows the search to
them.

The SVG is assembled here as text, like the facet checkboxes: 177 countries are the hot loop
of the search page. Every name and URL goes through html.escape (quotes included).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape as html_escape

from django.utils.safestring import SafeString, mark_safe

from .. import selectors
from ..forms.search import SearchParams
from .map_shapes import world_shapes
from .timeline import articles_text

SHADES = 5


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


def country_slugs() -> tuple[str, ...]:
    """The place values the map shades: a search asks for their counts by name."""
    return tuple(place.slug for place in selectors.country_places().values())


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
    # No role: <svg> is a graphics document with links in it; HTML allows no "group" there.
    parts = [
        f'<svg class="world-map-chart" viewBox="0 0 {world.width} {world.height}" '
        'aria-label="Map of the countries these articles name; '
        'each shaded country opens its articles.">'
    ]
    # The countries without articles are one shape: nothing to open, and 150 elements fewer
    # on a page that stays under a thousand (each outline starts with an absolute move).
    plain: list[str] = []
    linked: list[str] = []
    marks: list[str] = []  # after the outlines, so that no neighbour covers them
    for shape in world.shapes:
        country = by_code.get(shape.code) if shape.code else None
        if country is None:
            plain.append(shape.path)
            continue
        label = html_escape(f"{country.name}: {articles_text(country.count)}")
        selected = " is-selected" if country.selected else ""
        (marks if shape.small else linked).append(
            f'<a href="{html_escape(country.url)}" class="map-country" aria-label="{label}" '
            f'data-count="{country.count}"><title>{label}</title>'
            f"{shape.markup(f'country shade-{country.shade}{selected}')}</a>"
        )
    if any(plain):
        parts.append(f'<path class="country" d="{"".join(plain)}"/>')
    parts += linked + marks
    parts.append("</svg>")
    return mark_safe("".join(parts)), len(linked) + len(marks)  # noqa: S308 - escaped above
