"""A timeline as a page draws it: one bar per period, each a link narrowing the dates to it.

The counts come from the search engine (articles.search.Timeline); this module only lays out
bars in an SVG viewBox and says what each one is, so templates stay free of arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..forms.search import SearchParams
from ..search import Timeline
from ..search.periods import period_end
from ..search.vocabulary import DATES_INFERRED, DATES_PUBLISHED, UNDATED

WIDTH, HEIGHT = 600, 120  # the chart's viewBox; CSS scales it to the column
MIN_BAR = 2  # a period with one article still shows (and is a target for the pointer)

UNIT_PLURAL = {"day": "days", "week": "weeks", "month": "months", "year": "years"}


def articles_text(count: int) -> str:
    """ "1 article", "1,234 articles"."""
    return f"{count:,} article{'' if count == 1 else 's'}"


def period_label(start: date, unit: str) -> str:
    if unit == "year":
        return str(start.year)
    if unit == "month":
        return f"{start:%b} {start.year}"
    if unit == "week":
        return f"Week of {start.day} {start:%b} {start.year}"
    return f"{start.day} {start:%b} {start.year}"


_STAND_IN_FROM, _STAND_IN_TO = date(1, 1, 1), date(1, 1, 2)


def period_links(
    params: SearchParams, url_of: Callable[[SearchParams], str]
) -> Callable[[date, date], str]:
    """(start, end) -> the link of the search narrowed to that period, within the dates it
    already has. Fast: the canonical URL is built once with stand-in dates and filled per
    period (a comparison has hundreds of cells; dates need no quoting, and words that look
    like "from=0001-01-01" are quoted, so they cannot be mistaken for the stand-ins)."""
    url = url_of(
        params.edited(date_from=_STAND_IN_FROM, date_to=_STAND_IN_TO, format="html", facets=True)
    )
    head, _, rest = url.partition(f"from={_STAND_IN_FROM.isoformat()}")
    middle, _, tail = rest.partition(f"to={_STAND_IN_TO.isoformat()}")
    low, high = params.date_from, params.date_to

    def link(start: date, end: date) -> str:
        start = low if low and low > start else start
        end = high if high and high < end else end
        return f"{head}from={start.isoformat()}{middle}to={end.isoformat()}{tail}"

    return link


@dataclass(frozen=True)
class Bar:
    start: date
    end: date
    count: int
    label: str
    url: str  # "" for an empty period: nothing to open
    x: float
    y: float
    width: float
    height: float
    slot_x: float  # the whole column: the pointer target of a thin bar
    slot: float
    inferred: int = 0  # of ``count``, the articles whose date is inferred
    inferred_height: float = 0  # the top of the bar, drawn apart

    @property
    def count_text(self) -> str:
        text = articles_text(self.count)
        if self.inferred:
            text += f", {self.inferred:,} with an inferred date"
        return text


@dataclass(frozen=True)
class TimelineChart:
    unit: str
    bars: list[Bar]
    undated: int
    most: int  # the tallest bar's count (the scale)
    first_label: str
    last_label: str
    width: int = WIDTH
    height: int = HEIGHT
    undated_url: str = ""  # the search for the undated ones (year=undated)
    inferred: int = 0  # dated articles whose date is inferred
    stated_url: str = ""  # the same search with published dates only (dates=published)

    @property
    def unit_plural(self) -> str:
        return UNIT_PLURAL[self.unit]

    @property
    def dated(self) -> int:
        return sum(bar.count for bar in self.bars)

    @property
    def bars_svg(self) -> SafeString:
        """The bars with a link each (empty periods: nothing to open, nothing drawn).

        Built as text like the facet checkboxes: a day timeline has 62 bars, and the
        template loop cost more than the search. Labels and URLs go through escape()."""
        parts = []
        for bar in self.bars:
            if not bar.url:
                continue
            label = escape(f"{bar.label}: {bar.count_text}")
            parts.append(
                f'<a href="{escape(bar.url)}" class="timeline-bar" aria-label="{label}" '
                f'data-count="{bar.count}"><title>{label}</title>'
                f'<rect class="bar-hit" x="{bar.slot_x}" y="0" width="{bar.slot}" '
                f'height="{self.height}"/><rect class="bar" x="{bar.x}" y="{bar.y}" '
                f'width="{bar.width}" height="{bar.height}"/>'
                + (
                    f'<rect class="bar-inferred" x="{bar.x}" y="{bar.y}" '
                    f'width="{bar.width}" height="{bar.inferred_height}"/>'
                    if bar.inferred_height
                    else ""
                )
                + "</a>"
            )
        return mark_safe("".join(parts))  # noqa: S308 - labels and URLs escaped above

    @property
    def table_rows(self) -> SafeString:
        """The periods with articles as table rows, each a link (the accessible twin)."""
        inferred = bool(self.inferred)
        rows = [
            f'<tr><th scope="row"><a href="{escape(bar.url)}">{escape(bar.label)}</a></th>'
            f"<td>{bar.count:,}</td>" + (f"<td>{bar.inferred:,}</td>" if inferred else "") + "</tr>"
            for bar in self.bars
            if bar.count
        ]
        if self.undated:
            rows.append(
                f'<tr><th scope="row"><a href="{escape(self.undated_url)}">Undated</a></th>'
                f"<td>{self.undated:,}</td>" + ("<td></td>" if inferred else "") + "</tr>"
            )
        return mark_safe("".join(rows))  # noqa: S308 - labels and URLs escaped above

    @property
    def description(self) -> str:
        return (
            f"Articles per {self.unit}, {self.first_label} to {self.last_label}; "
            f"the busiest {self.unit} has {self.most:,}."
        )


def timeline_chart(
    timeline: Timeline | None, params: SearchParams, url_of: Callable[[SearchParams], str]
) -> TimelineChart | None:
    """Bars for ``timeline``; ``url_of`` turns a narrowed search into the link of its bar."""
    if timeline is None or not (timeline.periods or timeline.undated):
        return None
    undated_url = _undated_url(params, url_of) if timeline.undated else ""
    if not timeline.periods:  # every match is undated: say so rather than draw nothing
        return TimelineChart(
            timeline.unit, [], timeline.undated, 0, "", "", undated_url=undated_url
        )
    periods = timeline.periods
    guessed = timeline.inferred or (0,) * len(periods)
    link = period_links(params, url_of)
    most = max(count for _, count in periods) or 1
    slot = WIDTH / len(periods)
    gap = min(slot * 0.2, 4.0) if len(periods) > 1 else 0.0
    bars = []
    for i, ((start, count), inferred) in enumerate(zip(periods, guessed, strict=True)):
        end = period_end(start, timeline.unit)
        height = max(MIN_BAR, round(count / most * HEIGHT, 1)) if count else 0
        inferred_height = round(height * inferred / count, 1) if count else 0
        bars.append(
            Bar(
                start=start,
                end=end,
                count=count,
                label=period_label(start, timeline.unit),
                url=link(start, end) if count else "",
                x=round(i * slot + gap / 2, 2),
                y=round(HEIGHT - height, 1),
                width=round(slot - gap, 2),
                height=height,
                slot_x=round(i * slot, 2),
                slot=round(slot, 2),
                inferred=inferred,
                inferred_height=inferred_height,
            )
        )
    inferred = sum(guessed)
    stated_url = ""
    if inferred and DATES_INFERRED not in params.include.get("dates", ()):
        stated = params.without_field("dates").with_value("dates", DATES_PUBLISHED)
        stated_url = url_of(stated.edited(format="html", facets=True))
    return TimelineChart(
        unit=timeline.unit,
        bars=bars,
        undated=timeline.undated,
        most=most,
        first_label=bars[0].label,
        last_label=bars[-1].label,
        undated_url=undated_url,
        inferred=inferred,
        stated_url=stated_url,
    )


def _undated_url(params: SearchParams, url_of: Callable[[SearchParams], str]) -> str:
    """The search for the undated articles among these: its year filter becomes "undated"
    (an undated article matched no year the search names, only years it leaves out)."""
    undated = params.without_field("year").with_value("year", UNDATED)
    return url_of(undated.edited(format="html", facets=True))
