"""Filter values as links write them, looked up in the archive (issue 18, "Filters never vanish").

A value names what it names now: its slug; then an old slug (an entity renamed, merged, or
refiled under another kind: ``person=houthis`` is the organization; an outlet whose slug
changed); then its name or one of its other names, folded (``org=iaea``, ``org=Kata'ib
Hezbollah``, ``source=presstv``, ``section=Middle East``, ``author=LISA RATHKE``). A value
that names nothing is never dropped from a search: the search finds nothing, and
``closest_values`` offers the archive's nearest values for the reader to choose from. Each kind
of value (FilterGroup.values) has its ``ValueLookup`` in ``VALUE_LOOKUPS``.
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
from .search.vocabulary import ENTITY_FILTERS, FILTER_GROUPS, FILTERS, KIND_FILTERS, UNDATED

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


Wanted = dict[str, set[str]]  # filter -> values (as written, or slugs to name)


@dataclass(frozen=True)
class Label:
    """What a page shows of a value: its name, and who it is (entities' descriptions)."""

    name: str
    description: str = ""


class ValueLookup:
    """How the values of one kind of filter (FilterGroup.values) are found in the archive,
    named, and offered instead of a value that names nothing. Each method takes the values
    of every filter of its kind together, so a page asks a few queries for all of them."""

    def find(self, wanted: Wanted) -> dict[tuple[str, str], Found]:
        """(filter, value as written) -> what it names now, for the values naming something."""
        raise NotImplementedError

    def names(self, wanted: Wanted) -> dict[tuple[str, str], str]:
        """(filter, slug) -> the value's name, for the slugs the archive has a name for."""
        raise NotImplementedError

    def labels(self, wanted: Wanted) -> dict[tuple[str, str], Label]:
        """(filter, slug) -> the value's name and description (none but for entities)."""
        return {key: Label(name) for key, name in self.names(wanted).items()}

    def closest(self, field: str, value: str, limit: int) -> list[Found]:
        """The archive's values nearest to ``value``, best first."""
        raise NotImplementedError


def look_up(wanted: dict[str, Iterable[str]]) -> dict[tuple[str, str], Found]:
    """(filter, value as written) -> what the value names now, for every value that names
    something; a few queries for all the values of a search together."""
    found: dict[tuple[str, str], Found] = {}
    for lookup, values in _by_lookup(wanted).items():
        found.update(lookup.find(values))
    return found


def value_names(wanted: dict[str, Iterable[str]]) -> dict[tuple[str, str], str]:
    """(filter, slug) -> name for the slugs of ``wanted`` (filter -> slugs) the archive names:
    entities and authors in a query each, outlets and sections from their caches."""
    return {key: label.name for key, label in value_labels(wanted).items()}


def value_labels(wanted: dict[str, Iterable[str]]) -> dict[tuple[str, str], Label]:
    """``value_names`` with entities' descriptions, from the same queries."""
    labels: dict[tuple[str, str], Label] = {}
    for lookup, values in _by_lookup(wanted).items():
        labels.update(lookup.labels(values))
    return labels


def closest_values(field: str, value: str, limit: int = CLOSEST) -> list[Found]:
    """The archive's values nearest to ``value`` in spelling, the most named first among
    equally near ones; for a place, organization or person, the same name under another
    kind first (``org=iraq``: the place Iraq)."""
    return VALUE_LOOKUPS[FILTERS[field].values].closest(field, value, limit)


def _by_lookup(wanted: dict[str, Iterable[str]]) -> dict[ValueLookup, Wanted]:
    out: dict[ValueLookup, Wanted] = {}
    for group in FILTER_GROUPS:
        values = set(wanted.get(group.name) or ())
        if values:
            out.setdefault(VALUE_LOOKUPS[group.values], {})[group.name] = values
    return out


def _slug_of(value: str) -> str:
    """The slug a value spells: itself in lower case, or its folded name ("Kata'ib
    Hezbollah" -> "kataib-hezbollah"); "" when it has no letter or digit."""
    lowered = value.lower()
    if _SLUG.fullmatch(lowered):
        return lowered
    return name_slug(value) if name_key(value) else ""


class EntityValues(ValueLookup):
    """Places, organizations, people: a value is an entity's slug, an old slug of it (renamed,
    merged, or refiled under another kind: ``person=houthis`` is the organization), its name
    or one of its other names."""

    def find(self, wanted: Wanted) -> dict[tuple[str, str], Found]:
        found: dict[tuple[str, str], Found] = {}
        slugs = {
            (name, value): _slug_of(value) for name, values in wanted.items() for value in values
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
                for name in wanted
            }
        )
        for (name, value), key in keys.items():
            hit = by_key.get((ENTITY_FILTERS[name], key))
            if hit is not None:
                found[(name, value)] = Found(name, *hit)
        return found

    def names(self, wanted: Wanted) -> dict[tuple[str, str], str]:
        return {key: label.name for key, label in self.labels(wanted).items()}

    def labels(self, wanted: Wanted) -> dict[tuple[str, str], Label]:
        rows = selectors.entity_labels({ENTITY_FILTERS[name]: s for name, s in wanted.items()})
        return {(KIND_FILTERS[kind], slug): Label(*row) for (kind, slug), row in rows.items()}

    def closest(self, field: str, value: str, limit: int) -> list[Found]:
        others = {name: {value} for name in ENTITY_FILTERS if name != field}
        elsewhere = [found for found in self.find(others).values() if found.field != field]
        directory = selectors.entity_directory(ENTITY_FILTERS[field]).by_count[:_SCANNED]
        near = _nearest(value, [(e.slug, e.name) for e in directory], limit)
        return [*elsewhere, *(Found(field, slug, name) for slug, name in near)][:limit]


class SourceValues(ValueLookup):
    """Outlets: a slug, an old slug, or the outlet's name, slug or web domain spelled any way
    ("presstv", "Press TV", presstv.ir)."""

    def find(self, wanted: Wanted) -> dict[tuple[str, str], Found]:
        found = {}
        names, spellings = selectors.source_names(), selectors.source_spellings()
        for field, values in wanted.items():
            slugs = {value: value.lower() for value in values}
            current = selectors.resolve_source_slugs(set(slugs.values()))
            for value, slug in slugs.items():
                canonical = current.get(slug) or spellings.get(selectors.compact_name(value))
                if canonical:
                    found[(field, value)] = Found(field, canonical, names.get(canonical, canonical))
        return found

    def names(self, wanted: Wanted) -> dict[tuple[str, str], str]:
        return _named(wanted, selectors.source_names())

    def closest(self, field: str, value: str, limit: int) -> list[Found]:
        entries = [(e.slug, e.name) for e in selectors.source_directory().by_count]
        return [Found(field, slug, name) for slug, name in _nearest(value, entries, limit)]


class SectionValues(ValueLookup):
    """Sections: their slug as the index stores it, or their name as printed."""

    def find(self, wanted: Wanted) -> dict[tuple[str, str], Found]:
        sections = selectors.section_names()
        found = {}
        for field, values in wanted.items():
            for value in values:
                slug = next((s for s in (value.lower(), slugify(value)) if s in sections), "")
                if slug:
                    found[(field, value)] = Found(field, slug)
        return found

    def names(self, wanted: Wanted) -> dict[tuple[str, str], str]:
        return _named(wanted, selectors.section_names())

    def closest(self, field: str, value: str, limit: int) -> list[Found]:
        entries = sorted(selectors.section_names().items())
        return [Found(field, slug, name) for slug, name in _nearest(value, entries, limit)]


class YearValues(ValueLookup):
    """Years: four ASCII digits, or ``undated`` for the articles without a date."""

    def find(self, wanted: Wanted) -> dict[tuple[str, str], Found]:
        return {
            (field, value): Found(field, value.lower())
            for field, values in wanted.items()
            for value in values
            if YEAR.fullmatch(value) or value.lower() == UNDATED
        }

    def names(self, wanted: Wanted) -> dict[tuple[str, str], str]:
        return _named(wanted, {UNDATED: "Undated"})

    def closest(self, field: str, value: str, limit: int) -> list[Found]:
        years, undated = selectors.archive_years()
        entries = [(y, y) for y in years] + ([(UNDATED, "Undated")] if undated else [])
        digits = _ascii_digits(value)
        return [Found(field, slug, name) for slug, name in _nearest(digits, entries, limit)]


class ChoiceValues(ValueLookup):
    """A fixed set of values (FilterGroup.choices: the kinds of date), in any letter case."""

    def find(self, wanted: Wanted) -> dict[tuple[str, str], Found]:
        return {
            (field, value): Found(field, value.lower())
            for field, values in wanted.items()
            for value in values
            if value.lower() in dict(FILTERS[field].choices)
        }

    def names(self, wanted: Wanted) -> dict[tuple[str, str], str]:
        return {
            (field, slug): name
            for field, slugs in wanted.items()
            for slug, name in FILTERS[field].choices
            if slug in slugs
        }

    def closest(self, field: str, value: str, limit: int) -> list[Found]:
        entries = [(choice, choice) for choice, _ in FILTERS[field].choices]
        return [Found(field, slug, name) for slug, name in _nearest(value, entries, limit)]


class AuthorValues(ValueLookup):
    """Authors: a slug, or the author's name in any spelling that folds to it (Author.key:
    "LISA RATHKE", "Lisa Rathke"). A value written as a slug is looked up as one first, any
    other as a name first, as the query language's ``author:`` does: one author's slug can
    spell another's name once a name is corrected."""

    def find(self, wanted: Wanted) -> dict[tuple[str, str], Found]:
        tried = {
            value: (_slug_of(value), name_key(value)) for vs in wanted.values() for value in vs
        }
        rows = selectors.authors_matching(
            {slug for slug, _ in tried.values()}, {key for _, key in tried.values()}
        )
        by_slug = {slug: (slug, name) for slug, _, name in rows}
        by_key = {key: (slug, name) for slug, key, name in rows}
        found = {}
        for field, values in wanted.items():
            for value in values:
                slug, key = tried[value]
                hits = [by_slug.get(slug), by_key.get(key)]
                if not _SLUG.fullmatch(value):
                    hits.reverse()
                hit = next((h for h in hits if h is not None), None)
                if hit is not None:
                    found[(field, value)] = Found(field, *hit)
        return found

    def names(self, wanted: Wanted) -> dict[tuple[str, str], str]:
        return _named(wanted, selectors.author_names(set().union(*wanted.values())))

    def closest(self, field: str, value: str, limit: int) -> list[Found]:
        directory = selectors.author_directory().by_count[:_SCANNED]
        near = _nearest(value, [(e.slug, e.name) for e in directory], limit)
        return [Found(field, slug, name) for slug, name in near]


# FilterGroup.values -> how such values are looked up.
VALUE_LOOKUPS: dict[str, ValueLookup] = {
    "entity": EntityValues(),
    "source": SourceValues(),
    "section": SectionValues(),
    "year": YearValues(),
    "date_kind": ChoiceValues(),
    "author": AuthorValues(),
}


def _named(wanted: Wanted, names: dict[str, str]) -> dict[tuple[str, str], str]:
    return {
        (field, slug): names[slug]
        for field, slugs in wanted.items()
        for slug in slugs
        if slug in names
    }


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
