"""/compare/: up to four searches on one timeline, as counts and as shares of all articles.

Every series is one engine search counted per period (articles.search timelines), all in the
unit the filters alone call for: "all articles" (the filters without words) is the baseline
each share is taken of, and its span holds every series'. Each number in the table links to
the search it counts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils.text import slugify

from .. import search
from ..forms import CompareParams
from .formats import csv_cell
from .search import describe, name_lookup, search_request, search_url
from .timeline import period_end, period_label, period_links

WIDTH, HEIGHT = 600, 150
AbsoluteURI = Callable[[str], str]


@dataclass(frozen=True)
class Cell:
    count: int
    share: float | None  # of all articles in the period; None when the period has none
    url: str

    @property
    def share_text(self) -> str:
        return "" if self.share is None else f"{self.share:.1%}"


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str
    all_count: int
    all_url: str
    cells: list[Cell]


@dataclass(frozen=True)
class Series:
    number: int  # 1 to 4: its colour and line style
    q: str
    total: int
    undated: int
    url: str
    notes: list[str]
    points: str = ""  # SVG polyline of the counts
    share_points: str = ""  # of the shares


@dataclass
class ComparePage:
    params: CompareParams
    summary: str  # the shared filters in words
    unit: str
    periods: list[Period]
    series: list[Series]
    all_total: int
    most: int  # highest count of a series in a period (the counts chart's scale)
    most_share: float

    @property
    def series_notes(self) -> bool:
        return any(s.notes for s in self.series)

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def height(self) -> int:
        return HEIGHT

    @property
    def most_share_text(self) -> str:
        return f"{self.most_share:.1%}"

    @property
    def first_label(self) -> str:
        return self.periods[0].label if self.periods else ""

    @property
    def last_label(self) -> str:
        return self.periods[-1].label if self.periods else ""

    @property
    def slots(self) -> list[float]:
        """The x of each period's middle in the charts."""
        n = len(self.periods)
        return [round((i + 0.5) * WIDTH / n, 1) for i in range(n)]


def compare_url(params: CompareParams) -> str:
    return reverse("articles:compare") + params.querystring()


def compare_description(params: CompareParams) -> str:
    """What a shared link says about the comparison (meta description, Open Graph)."""
    if not params.queries:
        return "Compare how often the Newsroom archive mentions up to four searches over time."
    words = " and ".join(f"“{q[:60]}”" for q in params.queries)
    return (
        f"How often the Newsroom archive mentions {words} over time: articles per period "
        "and their share of all articles."
    )


def compare_page(params: CompareParams) -> ComparePage:
    """The baseline (filters only, the unit chosen from its span), then each search counted
    per period in that unit: one engine request each."""
    filters = params.filters
    baseline = search.search_articles(
        search_request(filters, page=1, per_page=0, facets=False, timeline="auto")
    )
    timeline = baseline.timeline or search.Timeline("year", ())
    unit = timeline.unit
    counted, links = [], []
    for q in params.queries:
        response = search.search_articles(
            search_request(filters.edited(q=q), page=1, per_page=0, facets=False, timeline=unit)
        )
        counted.append((q, response))
        links.append(period_links(filters.edited(q=q), search_url))
    per_series = [dict(r.timeline.periods) if r.timeline else {} for _, r in counted]
    all_link = period_links(filters, search_url)
    periods = []
    for start, all_count in timeline.periods:
        end = period_end(start, unit)
        cells = []
        for link, by_start in zip(links, per_series, strict=True):
            count = by_start.get(start, 0)
            share = count / all_count if all_count else None
            cells.append(Cell(count, share, link(start, end)))
        periods.append(
            Period(start, end, period_label(start, unit), all_count, all_link(start, end), cells)
        )
    most = max((c.count for p in periods for c in p.cells), default=0) or 1
    most_share = max((c.share or 0 for p in periods for c in p.cells), default=0) or 1
    series = [
        Series(
            n,
            q,
            response.total,
            response.timeline.undated if response.timeline else 0,
            search_url(filters.edited(q=q)),
            [*_query_error(response), *response.notes],
            _points([p.cells[n - 1].count for p in periods], most),
            _points([p.cells[n - 1].share or 0 for p in periods], most_share),
        )
        for n, (q, response) in enumerate(counted, start=1)
    ]
    return ComparePage(
        params=params,
        summary=describe(filters, name_lookup(filters)),
        unit=unit,
        periods=periods,
        series=series,
        all_total=baseline.total,
        most=most,
        most_share=most_share,
    )


def _query_error(response: search.SearchResponse) -> list[str]:
    """A search that cannot be read counts nothing: say why, and what would read."""
    error = response.query_error
    if error is None:
        return []
    return [error.message + (f" Compare instead: {error.offered}" if error.offered else "")]


def _points(values: list[float], most: float) -> str:
    n = len(values)
    if not n:
        return ""
    return " ".join(
        f"{(i + 0.5) * WIDTH / n:.1f},{HEIGHT - value / most * (HEIGHT - 4):.1f}"
        for i, value in enumerate(values)
    )


def compare_json(page: ComparePage, absolute_uri: AbsoluteURI) -> dict:
    params = page.params

    def link(fmt: str) -> str:
        return absolute_uri(compare_url(params.edited(format=fmt)))

    return {
        "queries": list(params.queries),
        "filters": {
            "include": {k: list(v) for k, v in params.filters.include.items()},
            "require": {k: list(v) for k, v in params.filters.require.items()},
            "exclude": {k: list(v) for k, v in params.filters.exclude.items()},
            "from": params.filters.date_from.isoformat() if params.filters.date_from else None,
            "to": params.filters.date_to.isoformat() if params.filters.date_to else None,
        },
        "summary": page.summary,
        "unit": page.unit,
        "all_articles": page.all_total,
        "series": [
            {
                "q": s.q,
                "total": s.total,
                "undated": s.undated,
                "url": absolute_uri(s.url),
                "notes": s.notes,
            }
            for s in page.series
        ],
        "periods": [
            {
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "all": p.all_count,
                "counts": [c.count for c in p.cells],
                "shares": [None if c.share is None else round(c.share, 6) for c in p.cells],
                "urls": [absolute_uri(c.url) for c in p.cells],
            }
            for p in page.periods
        ],
        "links": {"self": link(params.format), "html": link("html"), "csv": link("csv")},
    }


def compare_csv(page: ComparePage) -> str:
    """One row per period: all articles, then each search's count and share."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["period_start", "period_end", "all_articles"]
    for s in page.series:
        header += [f"{s.q} (articles)", f"{s.q} (share)"]
    writer.writerow([csv_cell(h) for h in header])
    for p in page.periods:
        row = [p.start.isoformat(), p.end.isoformat(), p.all_count]
        for c in p.cells:
            row += [c.count, "" if c.share is None else f"{c.share:.6f}"]
        writer.writerow(row)
    return out.getvalue()


def compare_filename(params: CompareParams) -> str:
    words = "-vs-".join(slugify(q)[:20] for q in params.queries) or "all"
    return f"newsroom-compare-{words}.csv"
