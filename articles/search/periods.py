"""Periods of a timeline: which unit a span is drawn in, and where each period starts and ends.

Both engines count matching articles per period (articles.search.types.Timeline) with these
rules, so a bar means the same on Whoosh, Elasticsearch and Solr. Pure date arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

UNITS = ("day", "month", "year")  # what engines count; a week is seven days added up
# The longest span drawn in days, then in months; anything longer is drawn in years.
# A year's bar narrows to months (12 bars), a month's to days (28 to 31).
MAX_DAYS_SPAN = 62
MAX_MONTHS_SPAN = 4 * 366


def choose_unit(
    first: date, last: date, date_from: date | None = None, date_to: date | None = None
) -> str:
    """The unit a timeline from ``first`` to ``last`` is drawn in.

    A search narrowed to a period (``date_from``/``date_to``) is drawn in the unit that
    period calls for, even when its articles fill only part of it: a year stays in months.
    """
    start = date_from if date_from and date_from < first else first
    end = date_to if date_to and date_to > last else last
    if date_from and date_to:
        start, end = date_from, date_to
    span = (end - start).days
    if span <= MAX_DAYS_SPAN:
        return "day"
    if span <= MAX_MONTHS_SPAN:
        return "month"
    return "year"


def timeline_span(
    first: date, last: date, unit: str, date_from: date | None, date_to: date | None
) -> tuple[str, date, date]:
    """The unit (``unit`` when an engine counts in it, else the one the span calls for) and
    the days a timeline's periods run from and up to (exclusive) for matches dated
    ``first`` to ``last``."""
    if unit not in UNITS:
        unit = choose_unit(first, last, date_from, date_to)
    start = period_start(first, unit)
    return unit, start, next_period(period_start(last, unit), unit) or date.max


def period_start(day: date, unit: str) -> date:
    if unit == "week":  # ISO weeks, from Monday
        return day - timedelta(days=day.weekday())
    if unit == "year":
        return date(day.year, 1, 1)
    if unit == "month":
        return date(day.year, day.month, 1)
    return day


def next_period(start: date, unit: str) -> date | None:
    """The start of the period after the one starting at ``start``; None past year 9999."""
    try:
        if unit == "week":
            return start + timedelta(days=7)
        if unit == "year":
            return date(start.year + 1, 1, 1)
        if unit == "month":
            if start.month == 12:
                return date(start.year + 1, 1, 1)
            return date(start.year, start.month + 1, 1)
        return start + timedelta(days=1)
    except (ValueError, OverflowError):
        return None


def period_end(start: date, unit: str) -> date:
    """The last day of the period starting at ``start``."""
    following = next_period(start, unit)
    return following - timedelta(days=1) if following else date.max


def period_starts(first: date, last: date, unit: str) -> list[date]:
    """Every period from the one holding ``first`` to the one holding ``last``."""
    out = []
    current: date | None = period_start(first, unit)
    end = period_start(last, unit)
    while current is not None and current <= end:
        out.append(current)
        current = next_period(current, unit)
    return out


def filled(counts: Iterable[tuple[date, int]], unit: str) -> list[tuple[date, int]]:
    """(period start, count) for every period between the first and the last counted one,
    zero where nothing was counted: bars stand on an even time axis."""
    by_start: dict[date, int] = {}
    for day, count in counts:
        if count:
            start = period_start(day, unit)
            by_start[start] = by_start.get(start, 0) + count
    if not by_start:
        return []
    return [(s, by_start.get(s, 0)) for s in period_starts(min(by_start), max(by_start), unit)]
