"""/compare/: up to four searches, or one search per outlet, on one timeline, as counts and
as shares.

Every series is one engine search counted per period (articles.search timelines), all in one
unit: the one asked for (day, week, month, year) or the one the filters alone call for.
"All articles" (the filters without words) is the frame: its span holds every series', and
each share of a search is of it; a line per outlet takes its shares of that outlet's own
articles. Each number in the table links to the search it counts.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse
from django.utils.text import slugify

from .. import search, selectors
from ..forms.compare import CompareParams
from ..forms.search import SearchParams
from ..search.periods import filled, period_starts
from .compare_chart import MARKERS, Chart, chart, is_sparse
from .search import describe, name_lookup, search_request, search_url
from .search_formats import csv_cell
from .timeline import UNIT_PLURAL, period_end, period_label, period_links

MAX_OUTLETS = 6  # lines of a comparison by outlet: the outlets with most matches
MAX_PERIODS = 1500  # about four years of days, or thirty of weeks
AbsoluteURI = Callable[[str], str]


def share_text(share: float | None) -> str:
    """A share with two significant digits, never "0.0%" for a share that is not nought:
    "42%", "1.2%", "0.042%", "0.00042%"; "" when there is nothing to take a share of."""
    if share is None:
        return ""
    percent = share * 100
    if percent == 0:
        return "0%"
    decimals = max(0, 1 - math.floor(math.log10(percent)))
    return f"{percent:,.{decimals}f}%"


@dataclass(frozen=True)
class Cell:
    count: int
    share: float | None  # of the line's baseline in the period; None when it has none
    url: str
    baseline: int = 0  # what the share is of

    @property
    def share_text(self) -> str:
        return share_text(self.share)


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
    number: int  # 1 to 6: its colour, line style and marker
    label: str  # the search's words, or the outlet's name
    q: str
    total: int
    undated: int
    url: str
    notes: list[str]
    source: tuple[str, str] | None = None  # (slug, name) of its outlet, by outlet
    baseline_total: int = 0  # what its shares are of, all periods together

    @property
    def marker(self) -> str:
        """Its marker's path, drawn from a point (the legend's key)."""
        return MARKERS[(self.number - 1) % len(MARKERS) + 1]


@dataclass(frozen=True)
class Line:
    """What one series counts, and what its shares are of (None: all articles)."""

    label: str
    q: str
    counted: SearchParams
    baseline: SearchParams | None = None
    source: tuple[str, str] | None = None


@dataclass
class ComparePage:
    params: CompareParams
    summary: str  # the shared filters in words
    unit: str
    periods: list[Period]
    series: list[Series]
    all_total: int
    counts_chart: Chart | None = None
    shares_chart: Chart | None = None
    notes: list[str] = field(default_factory=list)  # a period that could not be drawn

    @property
    def series_notes(self) -> bool:
        return any(s.notes for s in self.series)

    @property
    def by_source(self) -> bool:
        return self.params.by == "source"

    @property
    def share_of(self) -> str:
        """What a share is of, in words."""
        if self.by_source:
            return f"of the outlet's articles in the {self.unit}"
        return f"of all articles in the {self.unit}"

    @property
    def first_label(self) -> str:
        return self.periods[0].label if self.periods else ""

    @property
    def last_label(self) -> str:
        return self.periods[-1].label if self.periods else ""


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
    """The frame (the filters alone: its span, and the unit asked for or chosen from it),
    then each line counted per period in that unit: one engine request each, two for an
    outlet's line (its search, and all its articles for the shares)."""
    filters = params.filters
    unit, frame, notes, all_total = _frame(params)
    counted = "day" if unit == "week" else unit
    lines = _lines(params)
    timelines, baselines, responses = [], [], []
    for line in lines:
        response = _counted(line.counted, counted)
        responses.append(response)
        timelines.append(_by_start(response.timeline, unit))
        if line.baseline is not None:
            baselines.append(_by_start(_counted(line.baseline, counted).timeline, unit))
        else:
            baselines.append(None)
    links = [period_links(line.counted, search_url) for line in lines]
    all_link = period_links(filters, search_url)
    periods = []
    for start, all_count in frame:
        end = period_end(start, unit)
        cells = []
        for link, by_start, of in zip(links, timelines, baselines, strict=True):
            count = by_start.get(start, 0)
            baseline = all_count if of is None else of.get(start, 0)
            share = count / baseline if baseline else None
            cells.append(Cell(count, share, link(start, end), baseline))
        periods.append(
            Period(start, end, period_label(start, unit), all_count, all_link(start, end), cells)
        )
    series = [
        Series(
            number=n,
            label=line.label,
            q=line.q,
            total=response.total,
            undated=response.timeline.undated if response.timeline else 0,
            url=search_url(line.counted),
            notes=[*_query_error(response), *response.notes],
            source=line.source,
            baseline_total=sum(p.cells[n - 1].baseline for p in periods),
        )
        for n, (line, response) in enumerate(zip(lines, responses, strict=True), start=1)
    ]
    return ComparePage(
        params=params,
        summary=describe(filters, name_lookup(filters)),
        unit=unit,
        periods=periods,
        series=series,
        all_total=all_total,
        counts_chart=_chart(periods, share=False),
        shares_chart=_chart(periods, share=True),
        notes=notes,
    )


def _query_error(response: search.SearchResponse) -> list[str]:
    """A search that cannot be read counts nothing: say why, and what would read."""
    error = response.query_error
    if error is None:
        return []
    return [error.message + (f" Compare instead: {error.offered}" if error.offered else "")]


def _chart(periods: list[Period], *, share: bool) -> Chart:
    """Counts (or shares) per period, one trace per series; steps when many periods are
    empty, on both charts alike."""
    n = len(periods[0].cells) if periods else 0
    counts = [[p.cells[i].count for p in periods] for i in range(n)]
    rows = [[p.cells[i].share for p in periods] for i in range(n)] if share else counts
    return chart(
        list(enumerate(rows, start=1)),
        whole=not share,
        label=share_text if share else (lambda v: f"{int(v):,}"),
        steps=is_sparse(counts),
    )


def _counted(params: SearchParams, unit: str) -> search.SearchResponse:
    return search.search_articles(
        search_request(params, page=1, per_page=0, facets=False, timeline=unit)
    )


def _by_start(timeline: search.Timeline | None, unit: str) -> dict[date, int]:
    """Period start -> count, days added up into weeks."""
    if timeline is None:
        return {}
    if unit == "week" and timeline.unit == "day":
        return dict(filled(timeline.periods, "week"))
    return dict(timeline.periods)


def _frame(params: CompareParams) -> tuple[str, list[tuple[date, int]], list[str], int]:
    """(unit, (period start, all articles) for every period of the span, notes, all
    articles): the unit asked for, unless the span holds more than MAX_PERIODS of them
    (then the one chosen from the span, and a note saying so)."""
    response = _counted(params.filters, "auto")
    chosen = response.timeline or search.Timeline("year", ())
    wanted = params.period
    if not wanted or wanted == chosen.unit or not chosen.periods:
        return chosen.unit, list(chosen.periods), [], response.total
    first, last = chosen.periods[0][0], period_end(chosen.periods[-1][0], chosen.unit)
    low, high = params.filters.date_from, params.filters.date_to
    starts = period_starts(max(first, low or first), min(last, high or last), wanted)
    if len(starts) > MAX_PERIODS:
        note = (
            f"These articles span {len(starts):,} {UNIT_PLURAL[wanted]}: more than the "
            f"{MAX_PERIODS:,} a comparison shows. Shown per {chosen.unit}; narrow the dates "
            f"(from, to) to see them per {wanted}."
        )
        return chosen.unit, list(chosen.periods), [note], response.total
    counted = _counted(params.filters, "day" if wanted == "week" else wanted)
    by_start = _by_start(counted.timeline, wanted)
    frame = [(start, by_start.get(start, 0)) for start in starts]
    return wanted, frame, [], response.total


def _lines(params: CompareParams) -> list[Line]:
    """A line per search; or, by outlet, a line per outlet of the one search: the outlets
    its filter chose, else those with most matches (MAX_OUTLETS)."""
    filters = params.filters
    if params.by != "source":
        return [Line(q, q, filters.edited(q=q)) for q in params.queries]
    q = params.queries[0] if params.queries else ""
    names = selectors.source_names()
    chosen = filters.include.get("source", ())
    if not chosen:
        facets = search.search_articles(
            search_request(
                filters.edited(q=q),
                page=1,
                per_page=0,
                facets=True,
                facet_fields=("source",),
                facet_top={"source": MAX_OUTLETS},
            )
        ).facets
        chosen = tuple(fc.value for fc in facets.get("source", ())[:MAX_OUTLETS])
    lines = []
    for slug in chosen[:MAX_OUTLETS]:
        alone = filters.edited(include={**filters.include, "source": (slug,)})
        name = names.get(slug, slug)
        lines.append(Line(name, q, alone.edited(q=q), alone, (slug, name)))
    return lines


def compare_json(page: ComparePage, absolute_uri: AbsoluteURI) -> dict:
    """The comparison as JSON: every line's count, share and what the share is of."""
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
        "by": params.by,
        "period": params.period or None,  # as asked; None: chosen from the span
        "summary": page.summary,
        "unit": page.unit,
        "share_of": page.share_of,
        "all_articles": page.all_total,
        "series": [
            {
                "label": s.label,
                "q": s.q,
                "source": {"slug": s.source[0], "name": s.source[1]} if s.source else None,
                "total": s.total,
                "undated": s.undated,
                "share_of_articles": s.baseline_total,
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
                "of": [c.baseline for c in p.cells],  # what each share is of
                "shares": [c.share for c in p.cells],
                "urls": [absolute_uri(c.url) for c in p.cells],
            }
            for p in page.periods
        ],
        "notes": page.notes,
        "links": {"self": link(params.format), "html": link("html"), "csv": link("csv")},
    }


def compare_csv(page: ComparePage) -> str:
    """One row per period: all articles, then each line's count and share (by outlet, also
    the outlet's articles the share is of). Shares as plain decimals to 1e-10."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["period_start", "period_end", "all_articles"]
    for s in page.series:
        header += [f"{s.label} (articles)"]
        header += [f"{s.label} (outlet's articles)"] if page.by_source else []
        header += [f"{s.label} (share)"]
    writer.writerow([csv_cell(h) for h in header])
    for p in page.periods:
        row = [p.start.isoformat(), p.end.isoformat(), p.all_count]
        for c in p.cells:
            row += [c.count, *([c.baseline] if page.by_source else []), _decimal(c.share)]
        writer.writerow(row)
    return out.getvalue()


def _decimal(share: float | None) -> str:
    if share is None:
        return ""
    return f"{share:.10f}".rstrip("0").rstrip(".") or "0"


def compare_filename(params: CompareParams) -> str:
    words = "-vs-".join(slugify(q)[:20] for q in params.queries) or "all"
    by = "-by-outlet" if params.by == "source" else ""
    period = f"-per-{params.period}" if params.period else ""
    return f"newsroom-compare-{words}{by}{period}.csv"
