"""The comparison's charts as a page draws them: a scale with labelled ticks, a line or steps
per series, a marker of its own on each point (issue 17: "Compare looks unfinished").

Only geometry in an SVG viewBox and the tick labels; the template places them, CSS styles
them (classes only: the Content-Security-Policy allows no inline style).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 600, 180  # the viewBox, drawn at its own aspect: markers stay round
MAX_TICKS = 5  # steps of the scale above nought
MAX_MARKED = 60  # periods up to which each point gets its marker
SPARSE = 1 / 3  # share of empty periods from which a chart draws steps, not lines

# Each series' marker, a path drawn from the point: circle, square, triangle, diamond,
# triangle down, cross (a line per outlet has up to six).
MARKERS = {
    1: "m-3.2 0a3.2 3.2 0 1 0 6.4 0a3.2 3.2 0 1 0-6.4 0z",
    2: "m-3 -3h6v6h-6z",
    3: "m0 -4l3.8 6.5h-7.6z",
    4: "m0 -4.2l4.2 4.2l-4.2 4.2l-4.2 -4.2z",
    5: "m0 4l3.8 -6.5h-7.6z",
    6: "m-1.2 -4h2.4v2.8h2.8v2.4h-2.8v2.8h-2.4v-2.8h-2.8v-2.4h2.8z",
}


@dataclass(frozen=True)
class Tick:
    label: str
    y: float  # in the viewBox
    position: int  # 0 (nought) to the number of steps: its CSS class


@dataclass(frozen=True)
class Trace:
    number: int  # the series' style: colour, dashes, marker
    path: str  # SVG path data: a line through the periods' middles, or steps
    # SVG path data of each marker, one per point with something to count: an element
    # each, so CSS can enlarge them around their points on a small screen.
    markers: list[str]


@dataclass(frozen=True)
class Chart:
    ticks: list[Tick]
    traces: list[Trace]
    steps: bool  # drawn as steps: many periods are empty
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def top(self) -> str:
        return self.ticks[-1].label if self.ticks else ""

    @property
    def steps_count(self) -> int:
        return len(self.ticks) - 1


def scale(most: float, *, whole: bool) -> list[float]:
    """The tick values from nought to the scale's top (at or above ``most``): up to
    MAX_TICKS steps of 1, 2, 2.5 or 5 times a power of ten; whole steps for counts."""
    most = max(most, 1 if whole else 1e-12)
    power = math.floor(math.log10(most / MAX_TICKS))
    for exponent in (power, power + 1):
        for base in (1, 2, 2.5, 5):
            step = base * 10.0**exponent
            if whole and (step < 1 or step != int(step)):
                continue
            steps = math.ceil(most / step - 1e-9)
            if steps <= MAX_TICKS:
                return [step * k for k in range(steps + 1)]
    return [0.0, most]  # not reached: 10 × the first power always fits


def chart(
    series: Sequence[tuple[int, Sequence[float | None]]],
    *,
    whole: bool,
    label: Callable[[float], str],
    steps: bool,
) -> Chart:
    """``series``: (style number, a value per period; None where there is nothing to
    count, drawn as a gap). ``label`` writes a tick's value."""
    values = [v for _, row in series for v in row if v is not None]
    ticks = scale(max(values, default=0), whole=whole)
    top = ticks[-1] or 1

    def y(value: float) -> float:
        return round(HEIGHT - value / top * HEIGHT, 1)

    traces = []
    for number, row in series:
        slot = WIDTH / max(len(row), 1)
        traces.append(Trace(number, _path(row, slot, y, steps), _markers(number, row, slot, y)))
    marks = [Tick(label(t), y(t), k) for k, t in enumerate(ticks)]
    return Chart(marks, traces, steps)


def is_sparse(rows: Sequence[Sequence[float | None]]) -> bool:
    """Whether the periods are empty often enough to draw steps: a line from one point to
    the next would zig-zag through nought and suggest articles between them."""
    cells = [v for row in rows for v in row]
    return bool(cells) and sum(1 for v in cells if not v) > SPARSE * len(cells)


def _path(row, slot: float, y, steps: bool) -> str:
    out, drawing = [], False
    for i, value in enumerate(row):
        if value is None:  # nothing to take a share of: a gap, not nought
            drawing = False
            continue
        middle = round((i + 0.5) * slot, 1)
        if steps:
            left, right = round(i * slot, 1), round((i + 1) * slot, 1)
            out.append(f"{'L' if drawing else 'M'}{left} {y(value)}H{right}")
        else:
            out.append(f"{'L' if drawing else 'M'}{middle} {y(value)}")
        drawing = True
    return "".join(out)


def _markers(number: int, row, slot: float, y) -> list[str]:
    if len(row) > MAX_MARKED:
        return []
    shape = MARKERS[(number - 1) % len(MARKERS) + 1]
    return [
        f"M{round((i + 0.5) * slot, 1)} {y(value)}{shape}" for i, value in enumerate(row) if value
    ]
