"""An undated article's date, from its clues and where its article number falls.

``infer_date`` weighs the clues of :mod:`.clues` in this order, strongest first:

1. a date in the URL (/2016/09/19/);
2. a dateline with its date ("SALVADOR, Feb 26 -"), its year taken from the article number's
   estimate or the URL's month (never from the years the text names: a report of last year's
   results names last year);
3. a full date near the top that the estimate or a weekday written with it agrees with
   (alone, the latest date a text names is often history: "Jan. 6, 2021");
4. a day of a month written near the top ("on June 30") close to the estimate, or in the URL's
   month;
5. the URL's month (/2016/09/), then the estimate alone ("about March 2019").

Every result says how it was obtained (``source``), how precise it is and why (``evidence``).
A day a text names is often not the day it appeared (last week's event, next week's vote), so
dates read from a text's days near an estimate are given as a month ("about June 2017"); a
dateline's day, a URL's day and a full date whose weekday fits are given as days. Nothing is
returned when nothing holds. Pure, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .clues import DateClues, FullDate, MonthDay
from .sequence import Estimate

# How far a written day may lie from where the article number puts the article (days),
# at least; a model less sure of itself around this number allows more.
NEAR_ESTIMATE = 45
# An estimate this sure gives a month ("about March 2019"); less sure, a year; less, nothing.
MONTH_SPREAD = 45
YEAR_SPREAD = 183
# A day of a month the text names ("on June 30") dates the article only this close to the
# estimate (days, at least): further off, it is more often another day the story mentions.
MONTH_DAY_NEAR = 7


@dataclass(frozen=True)
class InferredDate:
    day: date
    source: str  # "dateline" | "text" | "url" | "sequence"
    precision: str  # "day" | "month" | "year"
    evidence: str


def infer_date(clues: DateClues, estimate: Estimate | None = None) -> InferredDate | None:
    """The likeliest date of an article its source does not date, or None."""
    url = clues.url
    if url and url.precision == "day":
        return InferredDate(url.day, "url", "day", f"the date in its address ({url.words})")
    window = _window(clues, estimate)
    found = _from_dateline(clues, window, estimate)
    if found:
        return found
    found = _from_full_dates(clues, window, estimate)
    if found:
        return found
    found = _from_month_days(clues, window, estimate)
    if found:
        return found
    if url:
        return InferredDate(url.day, "url", "month", f"the month in its address ({url.words})")
    if estimate and estimate.spread <= YEAR_SPREAD:
        precision = "month" if estimate.spread <= MONTH_SPREAD else "year"
        return InferredDate(estimate.day, "sequence", precision, estimate.evidence)
    return None


@dataclass(frozen=True)
class _Window:
    """Where the article's date lies, as far as coarse clues tell: [first, last]."""

    first: date
    last: date
    centre: date
    why: str


def _window(clues: DateClues, estimate: Estimate | None) -> _Window | None:
    if estimate:
        reach = timedelta(days=max(NEAR_ESTIMATE, 2 * estimate.spread))
        return _Window(
            estimate.day - reach, estimate.day + reach, estimate.day, "its article number"
        )
    if clues.url:  # a month in the URL
        first = clues.url.day
        last = (first + timedelta(days=31)).replace(day=1) - timedelta(days=1)
        return _Window(first, last, first + timedelta(days=14), f"its address ({clues.url.words})")
    return None


def _nearest(partial: MonthDay, window: _Window) -> date | None:
    """The day ``partial`` names that lies in ``window``, the nearest its centre."""
    candidates = [
        d
        for year in range(window.first.year, window.last.year + 1)
        if (d := partial.in_year(year)) and window.first <= d <= window.last
    ]
    return min(candidates, key=lambda d: abs(d - window.centre), default=None)


def _from_dateline(clues: DateClues, window: _Window | None, estimate) -> InferredDate | None:
    dateline = clues.dateline
    if isinstance(dateline, FullDate):
        return InferredDate(dateline.day, "dateline", "day", f"its dateline ({dateline.words})")
    if not isinstance(dateline, MonthDay):
        return None
    if window:
        found = _nearest(dateline, window)
        if found:
            return InferredDate(
                found,
                "dateline",
                "day",
                f"its dateline ({dateline.words}), the year from {window.why}",
            )
        return None
    return None


def _from_full_dates(clues: DateClues, window: _Window | None, estimate) -> InferredDate | None:
    dates = clues.full_dates
    if not dates:
        return None
    if window:
        near = [d for d in dates if window.first <= d.day <= window.last]
        if not near:
            return None
        best = min(near, key=lambda d: abs(d.day - window.centre))
        return InferredDate(
            best.day, "text", "month", f'"{best.words}" near its top, as {window.why} agrees'
        )
    agreeing = [d for d in dates if d.weekday_agrees]
    if agreeing:
        latest = max(agreeing, key=lambda d: d.day)
        return InferredDate(
            latest.day,
            "text",
            "day",
            f'"{latest.words}" near its top (the weekday fits the date)',
        )
    return None


def _from_month_days(clues: DateClues, window: _Window | None, estimate) -> InferredDate | None:
    if not window or not clues.month_days:
        return None
    if estimate:
        reach = timedelta(days=max(MONTH_DAY_NEAR, estimate.spread))
        window = _Window(estimate.day - reach, estimate.day + reach, estimate.day, window.why)
    found = [(d, md) for md in clues.month_days if (d := _nearest(md, window))]
    if not found:
        return None
    day, words = min(found, key=lambda item: abs(item[0] - window.centre))
    return InferredDate(
        day, "text", "month", f'"{words.words}" near its top, the year from {window.why}'
    )
