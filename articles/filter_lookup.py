"""Filter values as links write them, looked up in the archive (issue 18, "Filters never vanish").

A value names what it names now: its slug; then an old slug (an entity renamed, merged, or
refiled under another kind: ``person=houthis`` is the organization; an outlet whose slug
changed); then its name or one of its other names, folded (``org=iaea``, ``org=Kata'ib
Hezbollah``, ``source=presstv``, ``section=Middle East``). A value that names nothing is
never dropped from a search: the search finds nothing, and ``closest_values`` offers the
archive's nearest values for the reader to choose from.
"""

from __future__ import annotations

import calendar
import datetime
import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.text import slugify

from . import selectors
from .extraction.names import name_key, name_slug
from .search.vocabulary import DATE_KINDS, ENTITY_FILTERS, KIND_FILTERS, UNDATED

# ASCII digits only: \d and str.isdigit() also accept "٣", "²" and "①", which int() then
# either reads as another number or refuses with a ValueError (a 500 on every format).
YEAR = re.compile(r"(1[89]|20|21)[0-9][0-9]")
_SLUG = re.compile(r"[-a-z0-9_]+")
CLOSEST = 5  # values offered for one that names nothing
_SIMILAR = 0.6  # difflib ratio below which a value is not offered
_SCANNED = 20_000  # the most named values of a kind compared letter by letter
_PREFILTERED = 1_000  # values from which only those sharing letters with it are compared


@dataclass(frozen=True)
class Found:
    """A filter value in the archive: the filter it belongs to now, its slug and name."""

    field: str
    slug: str
    name: str = ""


def look_up(wanted: dict[str, Iterable[str]]) -> dict[tuple[str, str], Found]:
    """(filter, value as written) -> what the value names now, for every value that names
    something; a few queries for all the values of a search together."""
    found: dict[tuple[str, str], Found] = {}
    entity_values = {name: set(v) for name, v in wanted.items() if name in ENTITY_FILTERS and v}
    if entity_values:
        found.update(_entities(entity_values))
    if wanted.get("source"):
        found.update(_sources(set(wanted["source"])))
    for value in wanted.get("section", ()):
        slug = _section_slug(value)
        if slug:
            found[("section", value)] = Found("section", slug)
    for value in wanted.get("year", ()):
        if YEAR.fullmatch(value) or value.lower() == UNDATED:
            found[("year", value)] = Found("year", value.lower())
    for value in wanted.get("dates", ()):
        if value.lower() in DATE_KINDS:
            found[("dates", value)] = Found("dates", value.lower())
    return found


def _slug_of(value: str) -> str:
    """The slug a value spells: itself in lower case, or its folded name ("Kata'ib
    Hezbollah" -> "kataib-hezbollah"); "" when it has no letter or digit."""
    lowered = value.lower()
    if _SLUG.fullmatch(lowered):
        return lowered
    return name_slug(value) if name_key(value) else ""


def _entities(values_by_field: dict[str, set[str]]) -> dict[tuple[str, str], Found]:
    found: dict[tuple[str, str], Found] = {}
    slugs = {
        (name, value): _slug_of(value)
        for name, values in values_by_field.items()
        for value in values
    }
    by_kind: dict[str, set[str]] = {}
    for (name, _), slug in slugs.items():
        if slug:
            by_kind.setdefault(ENTITY_FILTERS[name], set()).add(slug)
    resolved = selectors.resolve_entity_slugs(by_kind)
    for (name, value), slug in slugs.items():
        hit = resolved.get((ENTITY_FILTERS[name], slug))
        if hit is not None:
            kind, canonical, entity_name = hit
            found[(name, value)] = Found(KIND_FILTERS[kind], canonical, entity_name)
    keys = {pair: name_key(pair[1]) for pair in slugs if pair not in found}
    by_key = selectors.entities_by_key(
        {
            ENTITY_FILTERS[name]: {k for (n, _), k in keys.items() if n == name}
            for name in values_by_field
        }
    )
    for (name, value), key in keys.items():
        hit = by_key.get((ENTITY_FILTERS[name], key))
        if hit is not None:
            found[(name, value)] = Found(name, *hit)
    return found


def _sources(values: set[str]) -> dict[tuple[str, str], Found]:
    slugs = {value: value.lower() for value in values}
    current = selectors.resolve_source_slugs(set(slugs.values()))
    names = selectors.source_names()
    spellings = selectors.source_spellings()
    found = {}
    for value, slug in slugs.items():
        canonical = current.get(slug) or spellings.get(selectors.compact_name(value))
        if canonical:
            found[("source", value)] = Found("source", canonical, names.get(canonical, canonical))
    return found


def _section_slug(value: str) -> str:
    sections = selectors.section_names()
    for slug in (value.lower(), slugify(value)):
        if slug in sections:
            return slug
    return ""


# --- the closest values to one that names nothing ---------------------------------------------


def closest_values(field: str, value: str, limit: int = CLOSEST) -> list[Found]:
    """The archive's values nearest to ``value`` in spelling, the most named first among
    equally near ones; for a place, organization or person, the same name under another
    kind first (``org=iraq``: the place Iraq)."""
    if field in ENTITY_FILTERS:
        return _closest_entities(field, value, limit)
    if field == "source":
        entries = [(e.slug, e.name) for e in selectors.source_directory().by_count]
        return [Found("source", slug, name) for slug, name in _nearest(value, entries, limit)]
    if field == "section":
        entries = sorted(selectors.section_names().items())
        return [Found("section", slug, name) for slug, name in _nearest(value, entries, limit)]
    if field == "year":
        years, undated = selectors.archive_years()
        entries = [(y, y) for y in years] + ([(UNDATED, "Undated")] if undated else [])
        digits = _ascii_digits(value)
        return [Found("year", slug, name) for slug, name in _nearest(digits, entries, limit)]
    if field == "dates":
        entries = [(kind, kind) for kind in DATE_KINDS]
        return [Found("dates", slug, name) for slug, name in _nearest(value, entries, limit)]
    return []


def _closest_entities(field: str, value: str, limit: int) -> list[Found]:
    others = {name: {value} for name in ENTITY_FILTERS if name != field}
    elsewhere = [found for found in _entities(others).values() if found.field != field]
    directory = selectors.entity_directory(ENTITY_FILTERS[field]).by_count[:_SCANNED]
    near = _nearest(value, [(e.slug, e.name) for e in directory], limit)
    return [*elsewhere, *(Found(field, slug, name) for slug, name in near)][:limit]


def _nearest(value: str, entries: list[tuple[str, str]], limit: int) -> list[tuple[str, str]]:
    """Up to ``limit`` of (slug, name) ``entries`` (most named first) whose slug is spelled
    most like ``value``'s: containing it, or close by difflib's ratio."""
    target = _slug_of(value)
    if not target:
        return []
    # Among many names, one spelled like it shares three letters in a row with it (or its
    # first letter): a regular expression passes over 20,000 in milliseconds, difflib not.
    grams = {target[i : i + 3] for i in range(len(target) - 2)} or {target[:1]}
    shares_letters = re.compile("|".join(map(re.escape, sorted(grams)))).search
    if len(entries) < _PREFILTERED:
        shares_letters = bool
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(target)
    scored = []
    for rank, (slug, name) in enumerate(entries):
        if not shares_letters(slug):
            continue
        contains = len(target) >= 3 and (target in slug or (len(slug) >= 3 and slug in target))
        matcher.set_seq1(slug)
        if not contains and (
            matcher.real_quick_ratio() < _SIMILAR or matcher.quick_ratio() < _SIMILAR
        ):
            continue
        ratio = matcher.ratio()
        if contains or ratio >= _SIMILAR:
            scored.append((-round(ratio + (0.25 if contains else 0), 1), rank, slug, name))
    scored.sort()
    return [(slug, name) for _, _, slug, name in scored[:limit]]


def _ascii_digits(text: str) -> str:
    """Digits of any script as ASCII ("٢٠٢٠" -> "2020"); other characters kept."""
    return "".join(
        str(unicodedata.digit(c)) if c.isdigit() and unicodedata.digit(c, None) is not None else c
        for c in text
    )


# --- dates -------------------------------------------------------------------------------------

_DAY_FIRST = re.compile(r"([0-9]{1,2})[./-]([0-9]{1,2})[./-]([0-9]{4})")
_YEAR_FIRST = re.compile(r"([0-9]{4})[./-]?([0-9]{1,2})[./-]?([0-9]{1,2})")
_YEAR_MONTH = re.compile(r"([0-9]{4})[./-]([0-9]{1,2})")


def date_readings(which: str, text: str) -> list[datetime.date]:
    """Dates ``text`` may mean, for a start (``which`` "from") or end date ("to"): "2020"
    and "2020-03" stand for their first or last day, "2020/3/29", "20200329" and Arabic-Indic
    digits for that day, "29.03.2020" and "03/04/2020" (both readings) day and month, and a
    day past the month's end ("2020-02-30") for its last day. Empty when nothing fits."""
    text = _ascii_digits(text.strip())
    first = which == "from"
    if YEAR.fullmatch(text):
        year = int(text)
        return [datetime.date(year, 1, 1) if first else datetime.date(year, 12, 31)]
    found = []
    if match := _YEAR_MONTH.fullmatch(text):
        year, month = int(match[1]), int(match[2])
        found.append((year, month, 1 if first else 31))
    elif match := _YEAR_FIRST.fullmatch(text):
        year, a, b = int(match[1]), int(match[2]), int(match[3])
        found += [(year, a, b), (year, b, a)] if a > 12 else [(year, a, b)]  # 2020-13-01
    elif match := _DAY_FIRST.fullmatch(text):
        a, b, year = int(match[1]), int(match[2]), int(match[3])
        found += [(year, b, a), (year, a, b)] if a != b else [(year, b, a)]
    out: list[datetime.date] = []
    for year, month, day in found:
        if 1 <= month <= 12 and 1 <= day <= 31 and 1 <= year <= 9999:
            day = min(day, calendar.monthrange(year, month)[1])
            if datetime.date(year, month, day) not in out:
                out.append(datetime.date(year, month, day))
    return out
