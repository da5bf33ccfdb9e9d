"""Progress bars for commands whose work runs in named stages (resolve_entities,
group_stories): one bar per stage, opened when the stage first reports, all closed at the end.
"""

from __future__ import annotations

from contextlib import contextmanager

from tqdm import tqdm


@contextmanager
def stage_bars(stream, unit: str = ""):
    """A ``progress(stage, done, total)`` callback drawing one bar per stage on ``stream``
    (a command's ``self.stderr._out``); bars are hidden where the stream is no terminal."""
    bars: dict[str, tqdm] = {}

    def progress(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=stage, unit=unit, file=stream, disable=None)
        bar.update(done - bar.n)

    try:
        yield progress
    finally:
        for bar in bars.values():
            bar.close()


def stage_times(seconds: dict[str, float]) -> str:
    """ "time: resolve 12 s, describe 3 s" for a command's closing line."""
    return "time: " + ", ".join(f"{stage} {s:.0f} s" for stage, s in seconds.items())
