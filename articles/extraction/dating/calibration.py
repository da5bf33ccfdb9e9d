"""One sequence model per series of article numbers, calibrated on the outlet's own articles.

A series with enough dated articles (dates its source states) is calibrated on those. A
series with none, such as Tehran Times' /news/N/ (33,683 articles in the shared corpus, not
one dated by its source), is calibrated on the dates its texts give: first those that stand
on their own (a dateline with its year, a full date whose weekday fits) and the month each run
of consecutive articles most likely belongs to (:mod:`.months`, a coarse seed), then, round by
round, the datelines, full dates and days of a month its texts name that fall close to where
the current curve puts them.
Pure, no Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .clues import DateClues
from .inference import infer_date
from .months import month_path
from .sequence import MIN_ANCHORS, Anchor, SequenceModel

ROUNDS = 3


def calibrate(
    series: str, articles: Iterable[tuple[int, date | None, DateClues]]
) -> SequenceModel | None:
    """The model of one series from its articles: (number, stated date or None, clues)."""
    articles = list(articles)
    stated = [Anchor(n, d) for n, d, _ in articles if d is not None]
    if len(stated) >= MIN_ANCHORS:
        model = SequenceModel.fit(series, stated)
        if model:
            return model
    undated = [(n, c) for n, d, c in articles if d is None]
    source = "dates in their texts" if not stated else "dated articles and dates in the texts"
    anchors = [Anchor(n, found.day) for n, c in undated if (found := _day(c, None))]
    model = SequenceModel.fit(series, stated + anchors + month_path(undated), source=source)
    for _ in range(ROUNDS):
        if model is None:
            return None
        anchors = [
            Anchor(n, found.day)
            for n, c in undated
            if (estimate := model.estimate(n)) and (found := _day(c, estimate))
        ]
        model = SequenceModel.fit(series, stated + anchors, source=source)
    return model


def _day(clues: DateClues, estimate):
    """A date the text or address gives (near the estimate), not the curve's own."""
    found = infer_date(clues, estimate)
    return found if found and found.source != "sequence" else None
