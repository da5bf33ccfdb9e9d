"""The months a run of numbered articles was most likely written in, when none is dated.

One article seldom says its year, and the dates it names may be history; a run of forty
consecutive articles says more: the days of a month they name ("on June 30") are mostly days
just past, the years they name are mostly this year or last, and articles numbered in turn
were written in turn. ``month_path`` finds the non-decreasing sequence of months, one per run,
that agrees best with all of it (a Viterbi path over months), and gives each run's month as a
coarse anchor for :mod:`.sequence`. Pure, no Django.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np

from .clues import DateClues, MonthDay
from .sequence import Anchor

RUN = 40  # articles looked at together
# Agreement each clue lends a month (a state of the path).
MONTH_DAY = 1.0  # a day of that month named ("on June 30")
MONTH_DAY_BEFORE = 0.4  # a day of the month before (last week was last month)
WEEKDAY_FITS = 2.0  # "Monday, March 14": the year's March 14 was a Monday
# A weekday and a day of a month named in one article ("on Wednesday", "June 30"): in the right
# year they often fall on each other, in another year only by chance.
WEEKDAY_PAIR = 0.5
FULL_DATE = 1.0  # a full date in that month
# The latest year an article names is this year or last year (results, anniversaries)...
LATEST_YEAR = 0.3
# ...and seldom a year after it (a plan, a bond's maturity).
LATEST_YEAR_AHEAD = -0.1
# Cost of moving on by one month between two runs: the path moves when the clues say so.
STEP_COST = 0.02


def month_path(articles: list[tuple[int, DateClues]]) -> list[Anchor]:
    """One anchor per run of articles: its middle number, the middle of its likeliest month."""
    articles = sorted(articles, key=lambda item: item[0])
    runs = [articles[i : i + RUN] for i in range(0, len(articles), RUN)]
    if len(runs) > 1 and len(runs[-1]) < RUN // 2:
        runs[-2] += runs.pop()
    first, last = _years(articles)
    if not runs or first is None:
        return []
    months = (last - first + 1) * 12
    scores = np.stack([_agreement(run, first, months) for run in runs])
    path = _best_path(scores)
    anchors = []
    for run, state in zip(runs, path, strict=True):
        if scores[len(anchors), state] <= 0:
            anchors.append(None)
            continue
        year, month = first + state // 12, state % 12 + 1
        anchors.append(Anchor(run[len(run) // 2][0], date(year, month, 15), spread=15))
    return [a for a in anchors if a is not None]


def _years(articles: list[tuple[int, DateClues]]) -> tuple[int | None, int]:
    """The span of years the path may cross: what most articles' latest years span."""
    today = date.today().year
    latest = sorted(
        year
        for _, clues in articles
        if (year := max((y for y, _ in clues.years if y <= today), default=None))
    )
    if len(latest) < RUN:
        return None, 0
    return latest[len(latest) // 50], min(today, latest[-1 - len(latest) // 50] + 1)


def _agreement(run: list[tuple[int, DateClues]], first: int, months: int) -> np.ndarray:
    score = np.zeros(months)
    month_days: Counter = Counter()
    years = months // 12
    for _, clues in run:
        weekdays = set(clues.weekdays)
        for md in clues.month_days:
            month_days[md.month] += 1
            if md.weekday is not None:
                for year in _years_fitting(md, md.weekday, first, years):
                    score[(year - first) * 12 + md.month - 1] += WEEKDAY_FITS
            for weekday in weekdays - {md.weekday}:
                for year in _years_fitting(md, weekday, first, years):
                    score[(year - first) * 12 + md.month - 1] += WEEKDAY_PAIR
        for full in clues.full_dates:
            state = (full.day.year - first) * 12 + full.day.month - 1
            if 0 <= state < months:
                score[state] += FULL_DATE
        latest = clues.latest_year
        if latest is not None:
            for year in (latest, latest + 1):
                if 0 <= year - first < years:
                    score[(year - first) * 12 : (year - first + 1) * 12] += LATEST_YEAR
            ahead = max(0, min(years, latest - first)) * 12  # months of years before it
            score[:ahead] += LATEST_YEAR_AHEAD
    for month, count in month_days.items():
        score[month - 1 :: 12] += MONTH_DAY * count
        score[month % 12 :: 12] += MONTH_DAY_BEFORE * count  # the month after it was named
    return score


def _years_fitting(md: MonthDay, weekday: int, first: int, count: int) -> list[int]:
    return [
        y for y in range(first, first + count) if (d := md.in_year(y)) and d.weekday() == weekday
    ]


def _best_path(scores: np.ndarray) -> list[int]:
    """The non-decreasing states (one per run) with the most agreement, less STEP_COST per
    month moved on."""
    runs, states = scores.shape
    steps = STEP_COST * np.arange(states)
    total = scores[0].copy()
    came_from = np.zeros((runs, states), dtype=np.int64)
    for r in range(1, runs):
        # best previous state s' <= s of total[s'] + cost * s' (then - cost * s)
        shifted = total + steps
        best = np.maximum.accumulate(shifted)
        where = _argmax_accumulate(shifted)
        total = scores[r] + best - steps
        came_from[r] = where
    path = [int(np.argmax(total))]
    for r in range(runs - 1, 0, -1):
        path.append(int(came_from[r, path[-1]]))
    return path[::-1]


def _argmax_accumulate(values: np.ndarray) -> np.ndarray:
    """For each i, the index of the largest of values[: i + 1] (the first, on ties)."""
    best = np.maximum.accumulate(values)
    is_new = np.concatenate([[True], values[1:] > best[:-1]])
    return np.maximum.accumulate(np.where(is_new, np.arange(len(values)), 0))
