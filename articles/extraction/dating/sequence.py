"""Dates from an outlet's article numbers: numbers that grow with time, calibrated on dated
articles of the same series.

``SequenceModel.fit`` takes anchors (article number, date) and keeps a robust, non-decreasing
curve through them: anchors far from their neighbours' median are dropped as outliers (a date
in a text may be a date in history), the rest are pooled into knots, and a number between two
knots is dated by straight-line interpolation. ``estimate`` also says how far off it may be
(``spread``, in days): the scatter of the anchors around there plus the gap between the knots.
Series whose numbers do not follow their dates get no model. Pure arithmetic, no Django.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from statistics import median

MIN_ANCHORS = 20
# Numbers must rise with dates this consistently (Spearman's rank correlation) to be a clock.
MIN_RANK_CORRELATION = 0.8
# An anchor further than this from the median of its neighbours is dropped (days), unless the
# neighbours scatter more.
OUTLIER_DAYS = 45
# Beyond the first and last knot, numbers are dated up to this share of the span of numbers.
EXTRAPOLATE_SHARE = 0.02


@dataclass(frozen=True)
class Anchor:
    number: int
    day: date
    spread: int = 0  # days the anchor itself may be off: 0 for a day, 183 for "some time in 2017"


@dataclass(frozen=True)
class Estimate:
    day: date
    spread: int  # days: how far off the estimate may be around this number
    evidence: str


@dataclass(frozen=True)
class Knot:
    number: int
    day: int  # date.toordinal()
    spread: int
    anchors: int


@dataclass(frozen=True)
class SequenceModel:
    series: str
    knots: tuple[Knot, ...]
    anchors: int  # kept after outliers were dropped
    dropped: int
    source: str  # what the anchors are: "dated articles" or "dates in the texts"

    @classmethod
    def fit(
        cls, series: str, anchors: list[Anchor], *, source: str = "dated articles"
    ) -> SequenceModel | None:
        """The curve through ``anchors``, or None when they are too few or numbers do not
        follow dates."""
        points = sorted((a.number, a.day.toordinal(), a.spread) for a in anchors)
        if len(points) < MIN_ANCHORS:
            return None
        kept = _without_outliers(points)
        if len(kept) < MIN_ANCHORS or not _follows_time(kept):
            return None
        knots = _knots(kept)
        if len(knots) < 2:
            return None
        return cls(series, tuple(knots), len(kept), len(points) - len(kept), source)

    @property
    def numbers(self) -> tuple[int, int]:
        return self.knots[0].number, self.knots[-1].number

    def estimate(self, number: int) -> Estimate | None:
        """Where ``number`` falls on the curve, or None outside the numbers it knows."""
        knots = self.knots
        first, last = self.numbers
        margin = (last - first) * EXTRAPOLATE_SHARE
        if number < first - margin or number > last + margin:
            return None
        i = bisect_right([k.number for k in knots], number)
        a, b = knots[max(0, min(i - 1, len(knots) - 2))], knots[max(1, min(i, len(knots) - 1))]
        share = (number - a.number) / (b.number - a.number) if b.number != a.number else 0.0
        day = round(a.day + (b.day - a.day) * share)
        gap = max(0, b.day - a.day) if 0 <= share <= 1 else abs(b.day - a.day) * abs(share)
        spread = max(a.spread, b.spread) + gap // 4
        try:
            found = date.fromordinal(day)
        except ValueError:
            return None
        where = "between" if 0 <= share <= 1 else "beyond"
        evidence = (
            f"its article number, {self.series.replace('#', f'{number}')}, lies {where} "
            f"numbers dated {date.fromordinal(a.day):%-d %b %Y} (#{a.number:,}) and "
            f"{date.fromordinal(b.day):%-d %b %Y} (#{b.number:,}) on a curve through "
            f"{self.anchors:,} {self.source}"
        )
        return Estimate(found, spread, evidence)


def _follows_time(points: list[tuple[int, int, int]]) -> bool:
    """Numbers rise with dates, or the dates span too little to tell (one busy year)."""
    days = sorted(p[1] for p in points)
    short = days[-1 - len(days) // 20] - days[len(days) // 20] <= 366
    return short or rank_correlation(points) >= MIN_RANK_CORRELATION


def rank_correlation(points: list[tuple[int, int, int]]) -> float:
    """Spearman's rank correlation of (number, day) pairs (ties get their mean rank)."""
    n = len(points)
    if n < 3:
        return 0.0
    xs = _ranks([p[0] for p in points])
    ys = _ranks([p[1] for p in points])
    mx, my = sum(xs) / n, sum(ys) / n
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    vx = sum((x - mx) ** 2 for x in xs)
    vy = sum((y - my) ** 2 for y in ys)
    return cov / (vx * vy) ** 0.5 if vx and vy else 0.0


def _ranks(values: list[int]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2
        i = j + 1
    return ranks


def _window(n: int) -> int:
    return max(5, min(41, n // 25)) | 1  # odd


def _rolling_median(days: list[int], width: int) -> list[float]:
    half = width // 2
    return [median(days[max(0, i - half) : i + half + 1]) for i in range(len(days))]


def _without_outliers(points: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    days = [p[1] for p in points]
    for _ in range(2):
        centre = _rolling_median(days, _window(len(points)))
        residuals = [abs(d - c) for d, c in zip(days, centre, strict=True)]
        scale = 4 * 1.4826 * median(residuals) if residuals else 0
        limit = max(OUTLIER_DAYS, scale)
        kept = [p for p, r in zip(points, residuals, strict=True) if r <= limit + p[2]]
        if len(kept) == len(points):
            break
        points = kept
        days = [p[1] for p in points]
    return points


def _knots(points: list[tuple[int, int, int]]) -> list[Knot]:
    """Groups of consecutive anchors pooled into knots, made non-decreasing (pool adjacent
    violators, weighted by size)."""
    size = max(3, _window(len(points)) // 2)
    groups = [points[i : i + size] for i in range(0, len(points), size)]
    if len(groups) > 1 and len(groups[-1]) < size // 2 + 1:
        groups[-2] = groups[-2] + groups.pop()
    blocks: list[list] = []  # [weight, day, spreads, numbers]
    for group in groups:
        days = [p[1] for p in group]
        centre = median(days)
        spread = max(median(abs(d - centre) for d in days), median(p[2] for p in group))
        blocks.append([len(group), centre, [(spread, len(group))], [median(p[0] for p in group)]])
        while len(blocks) > 1 and blocks[-2][1] > blocks[-1][1]:
            w2, d2, s2, n2 = blocks.pop()
            w1, d1, s1, n1 = blocks.pop()
            blocks.append([w1 + w2, (d1 * w1 + d2 * w2) / (w1 + w2), s1 + s2, n1 + n2])
    knots: list[Knot] = []
    for weight, day, spreads, numbers in blocks:
        spread = max(s for s, _ in spreads)
        for number in numbers:  # one knot per group, the pooled day for all
            knots.append(Knot(round(number), round(day), round(spread), weight))
    unique: list[Knot] = []
    for knot in knots:
        if unique and knot.number == unique[-1].number:
            continue
        unique.append(knot)
    return unique
