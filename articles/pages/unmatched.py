"""Filter values that name nothing: what the page says, and the closest values as links.

A search with such a value finds nothing (articles.forms.search keeps it in the link). Each value
gets its message, the archive's closest values as the same search with that value instead,
and the search without it, each with how many articles it finds: the reader chooses, the
site never widens a search on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .. import search
from ..filter_lookup import closest_values, date_readings
from ..forms.search import SearchParams, unmatched_message
from .search import chip_text, date_text, search_request

SHOWN = 3  # values given their closest values (each costs a few counts)


@dataclass(frozen=True)
class Choice:
    text: str
    url: str
    count: int


@dataclass(frozen=True)
class UnmatchedValue:
    parameter: str  # "place", ..., "from", "to"
    value: str  # as written, "-" or "+" kept
    message: str
    closest: list[Choice] = field(default_factory=list)
    without: Choice | None = None  # the same search without this value


def unmatched_values(
    params: SearchParams, url_of: Callable[[SearchParams], str]
) -> list[UnmatchedValue]:
    """Every unmatched value of ``params`` with its closest values; ``url_of`` makes the
    link of a changed search (the search page's, or the comparison's)."""
    out = []
    for n, (name, value) in enumerate(params.unmatched):
        bare = value[1:] if value[:1] in ("-", "+") and name not in ("from", "to") else value
        message = unmatched_message(name, bare)
        if n >= SHOWN:
            out.append(UnmatchedValue(name, value, message))
            continue
        without = params.without_value(name, value)
        closest = [
            _choice(text, changed, url_of) for text, changed in _instead(params, name, value)
        ]
        out.append(
            UnmatchedValue(name, value, message, closest, _choice("Without it", without, url_of))
        )
    return out


def _instead(params: SearchParams, name: str, value: str) -> list[tuple[str, SearchParams]]:
    """(text, the search with ``value`` replaced) for each closest value."""
    without = params.without_value(name, value)
    if name in ("from", "to"):
        word = "From" if name == "from" else "Until"
        key = "date_from" if name == "from" else "date_to"
        return [
            (f"{word} {date_text(day)}", without.edited(**{key: day}))
            for day in date_readings(name, value)
        ]
    mark = value[0] if value[:1] in ("-", "+") else ""
    bare = value[len(mark) :]
    return [
        (
            chip_text(found.field, found.name or found.slug, mark),
            without.with_value(found.field, mark + found.slug),
        )
        for found in closest_values(name, bare)
    ]


def _choice(text: str, params: SearchParams, url_of: Callable[[SearchParams], str]) -> Choice:
    count = search.count_articles(search_request(params, facets=False))
    return Choice(text, url_of(params.edited(format="html", facets=True)), count)


def unmatched_json(unmatched: list[UnmatchedValue], absolute_uri: Callable[[str], str]) -> list:
    """The unmatched values as JSON, each closest value with its link and count."""

    def choice(c: Choice) -> dict:
        return {"text": c.text, "url": absolute_uri(c.url), "count": c.count}

    return [
        {
            "parameter": u.parameter,
            "value": u.value,
            "message": u.message,
            "closest": [choice(c) for c in u.closest],
            "without": choice(u.without) if u.without else None,
        }
        for u in unmatched
    ]
