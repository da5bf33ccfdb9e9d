"""The search querystring: parsed, validated and written back in one canonical order.

The querystring is the product's API (issue 3, "Links worth sharing"): every state of the
search page is a link someone can paste into a chat. ``SearchForm`` reads ``request.GET``;
unknown parameters and values are dropped with a note the page shows, bad dates and pages
give a clear message and are ignored, never a 500. ``SearchParams`` is the valid state: it
writes the canonical querystring and makes edited copies for filter links (which always drop
``page``).

Filters: several values of one filter repeat the parameter and combine with OR; different
filters combine with AND; a ``-`` before a value excludes it (``source=-press-tv``); a ``+``
requires it as well (``place=iraq&place=%2Bbaghdad``: articles naming Iraq and Baghdad, the
links of the entity pages' "mentioned with" lists; a ``+`` typed unencoded arrives as a space
and counts too).

Parameters, in canonical order: ``q``, ``place``, ``org``, ``person`` (entity slugs),
``source`` (outlet slug), ``section`` (slugified section), ``year`` (four digits, or
``undated`` for articles without a date), ``dates`` (``published``: dates their sources state
or an editor gave; ``inferred``: dates the archive inferred; ``dates=-inferred`` leaves those
out), ``from``
and ``to`` (YYYY-MM-DD), ``sort`` (relevance, newest, oldest), ``page``, ``format`` (json,
atom, csv) and ``facets=off`` (JSON without filter counts).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django import forms

from . import selectors
from .extraction.text import strip_control_characters
from .search.vocabulary import (
    DATE_KINDS,
    ENTITY_FILTERS,
    FILTER_FIELDS,
    FILTER_LABELS,
    KIND_FILTERS,
    SORTS,
    UNDATED,
)

FORMATS = ("html", "json", "atom", "csv")
# The one order parameters are written in, so one view has one URL.
CANONICAL_ORDER = ("q", *FILTER_FIELDS, "from", "to", "sort", "page", "format", "facets")
MAX_QUERY_CHARS = 1000
MAX_PAGE = 500
# ASCII digits only: \d and str.isdigit() also accept "٣", "²" and "①", which int() then
# either reads as another number or refuses with a ValueError (a 500 on every format).
_YEAR = re.compile(r"(1[89]|20|21)[0-9][0-9]")
_SLUG = re.compile(r"^[-a-z0-9_]+$")
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def whole_number(text: str) -> int | None:
    """The number ``text`` writes in ASCII digits (at most nine), or None.

    Every number read from a URL goes through here: ``str.isdigit()`` says yes to
    superscripts and circled digits that ``int()`` refuses, ``int()`` reads Arabic-Indic and
    full-width digits, and a thousand-digit page number is no page either.
    """
    return int(text) if _WHOLE_NUMBER.fullmatch(text) else None


@dataclass(frozen=True)
class SearchParams:
    """A valid search state. Values are canonical: sorted, deduplicated slugs."""

    q: str = ""
    include: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Values every article must have as well (AND within the field), written "+slug".
    require: dict[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    sort: str = "relevance"
    page: int = 1
    format: str = "html"
    facets: bool = True  # facets=off: JSON without filter counts, for speed

    def pairs(self, *, with_page: bool = True, with_format: bool = True) -> list[tuple[str, str]]:
        """The canonical (name, value) list: fixed parameter order, sorted values."""
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        for name in FILTER_FIELDS:
            out += [(name, v) for v in self.include.get(name, ())]
            out += [(name, f"+{v}") for v in self.require.get(name, ())]
            out += [(name, f"-{v}") for v in self.exclude.get(name, ())]
        if self.date_from:
            out.append(("from", self.date_from.isoformat()))
        if self.date_to:
            out.append(("to", self.date_to.isoformat()))
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if with_page and self.page > 1:
            out.append(("page", str(self.page)))
        if with_format and self.format != "html":
            out.append(("format", self.format))
        if with_format and not self.facets:
            out.append(("facets", "off"))
        return out

    def querystring(self, **kwargs) -> str:
        """``?q=...&place=...`` in canonical order, or "" for the empty search."""
        pairs = self.pairs(**kwargs)
        return "?" + urlencode(pairs) if pairs else ""

    @property
    def has_filters(self) -> bool:
        return bool(self.include or self.require or self.exclude or self.date_from or self.date_to)

    @property
    def filter_count(self) -> int:
        """Active filter values, dates included (the words are not a filter)."""
        return len(self.active()) + bool(self.date_from) + bool(self.date_to)

    @property
    def is_empty(self) -> bool:
        return not self.q and not self.has_filters

    def active(self) -> list[tuple[str, str, str]]:
        """Every active filter value as (field, slug, mark): mark "" included (any of),
        "+" required (all of), "-" excluded."""
        out = []
        for name in FILTER_FIELDS:
            out += [(name, v, "") for v in self.include.get(name, ())]
            out += [(name, v, "+") for v in self.require.get(name, ())]
            out += [(name, v, "-") for v in self.exclude.get(name, ())]
        return out

    # Edits. Every edit of a filter returns to page 1.

    def edited(self, **changes) -> SearchParams:
        changes.setdefault("page", 1)
        return replace(self, **changes)

    def with_value(self, name: str, value: str) -> SearchParams:
        """Add a filter value; ``-slug`` excludes, ``+slug`` requires. A value has one role."""
        mark, slug = (value[0], value[1:]) if value[:1] in ("-", "+") else ("", value)
        roles = self._without_slug(name, slug)
        target = roles[mark]
        target[name] = tuple(sorted({*target.get(name, ()), slug}))
        return self.edited(include=roles[""], require=roles["+"], exclude=roles["-"])

    def without_value(self, name: str, value: str) -> SearchParams:
        slug = value[1:] if value[:1] in ("-", "+") else value
        roles = self._without_slug(name, slug)
        return self.edited(include=roles[""], require=roles["+"], exclude=roles["-"])

    def _without_slug(self, name: str, slug: str) -> dict[str, dict]:
        return {
            mark: _without(values, name, slug)
            for mark, values in (("", self.include), ("+", self.require), ("-", self.exclude))
        }

    def without_field(self, name: str) -> SearchParams:
        if name == "q":
            return self.edited(q="")
        if name == "from":
            return self.edited(date_from=None)
        if name == "to":
            return self.edited(date_to=None)
        return self.edited(
            include={k: v for k, v in self.include.items() if k != name},
            require={k: v for k, v in self.require.items() if k != name},
            exclude={k: v for k, v in self.exclude.items() if k != name},
        )


def _without(values: dict[str, tuple[str, ...]], name: str, slug: str) -> dict:
    out = dict(values)
    kept = tuple(v for v in out.get(name, ()) if v != slug)
    if kept:
        out[name] = kept
    else:
        out.pop(name, None)
    return out


class FilterValuesField(forms.Field):
    """Every value of a repeated parameter; checked against the archive in SearchForm.clean."""

    widget = forms.SelectMultiple

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        # "+slug" typed into a link arrives as " slug" (a plus is a space in a querystring).
        return [f"+{v.strip()}" if v[:1] == " " else v.strip() for v in value if v and v.strip()]


class LenientDateField(forms.DateField):
    input_formats = ["%Y-%m-%d"]
    default_error_messages = {
        "invalid": "Dates are written YYYY-MM-DD, for example 2020-03-29.",
    }

    def to_python(self, value):
        # strptime's %Y reads any Unicode decimal digits ("٢٠٢٠"); the API takes ASCII only.
        if isinstance(value, str) and value.strip() and not _ISO_DATE.fullmatch(value.strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class SearchForm(forms.Form):
    """Parses ``request.GET`` into SearchParams plus the notes the page shows.

    Never raises on user input: a problem becomes a note and the offending value is left out.
    ``redirects`` holds renamed or merged entity slugs (old -> new), which the view answers
    with a permanent redirect to the canonical URL.
    """

    q = forms.CharField(required=False, strip=True)
    place = FilterValuesField(required=False)
    org = FilterValuesField(required=False)
    person = FilterValuesField(required=False)
    source = FilterValuesField(required=False)
    section = FilterValuesField(required=False)
    year = FilterValuesField(required=False)
    dates = FilterValuesField(required=False)
    sort = forms.CharField(required=False)
    page = forms.CharField(required=False)
    format = forms.CharField(required=False)
    facets = forms.CharField(required=False)

    def __init__(self, data, *, default_format: str = "html", **kwargs):
        data, controls = _without_control_characters(data)
        super().__init__(data, **kwargs)
        # "from" is a Python keyword, so these two cannot be class attributes.
        self.fields["from"] = LenientDateField(required=False)
        self.fields["to"] = LenientDateField(required=False)
        self.default_format = default_format
        self.notes: list[str] = []
        self.errors_shown: list[str] = []
        self.redirects: dict[tuple[str, str], str] = {}
        self.names: dict[tuple[str, str], str] = {}
        if "q" in controls:
            self.notes.append("The search text contained a control character; it was removed.")
        if controls - {"q"}:
            self.notes.append("A filter contained a control character; it was removed.")

    def clean(self):
        known = set(CANONICAL_ORDER)
        unknown = [name for name in self.data if name not in known]
        for name in unknown[:5]:
            shown = name if len(name) <= 40 else name[:40] + "…"
            self.notes.append(f"Unknown filter {shown!r} was ignored.")
        if len(unknown) > 5:
            self.notes.append(f"{len(unknown) - 5} more unknown parameters were ignored.")
        for name, errors in self.errors.items():
            label = {"from": "start date", "to": "end date"}.get(name, name)
            for message in errors:
                self.errors_shown.append(
                    f"The {label} {self.data.get(name, '')!r} was ignored. {message}"
                )
        return self.cleaned_data

    def params(self) -> SearchParams:
        """The valid search state. Call after is_valid() (which is always True)."""
        data = self.cleaned_data
        q = " ".join((data.get("q") or "").split())
        if len(q) > MAX_QUERY_CHARS:
            q = q[:MAX_QUERY_CHARS].rsplit(" ", 1)[0]
            self.notes.append(f"The search words were cut to {MAX_QUERY_CHARS:,} characters.")

        include, require, exclude = self._filter_values(data)

        date_from, date_to = data.get("from"), data.get("to")
        if date_from and date_to and date_from > date_to:
            date_from, date_to = date_to, date_from
            self.notes.append("The start date was after the end date, so the two were swapped.")

        sort = (data.get("sort") or "").strip().lower() or "relevance"
        if sort not in SORTS:
            self.notes.append(
                f"Unknown sort {sort!r} was ignored: use relevance, newest or oldest."
            )
            sort = "relevance"

        page = 1
        raw_page = (data.get("page") or "").strip()
        if raw_page:
            number = whole_number(raw_page)
            if number is not None and 1 <= number <= MAX_PAGE:
                page = number
            else:
                self.errors_shown.append(
                    f"Page {raw_page!r} does not exist: pages are numbered 1 to {MAX_PAGE}. "
                    "Showing the first page."
                )

        fmt = (data.get("format") or "").strip().lower() or self.default_format
        if fmt not in FORMATS:
            self.notes.append(f"Unknown format {fmt!r} was ignored: use json, atom or csv.")
            fmt = "html"

        facets = (data.get("facets") or "").strip().lower()
        if facets not in ("", "on", "off"):
            self.notes.append(f"Unknown facets value {facets!r} was ignored: use on or off.")

        return SearchParams(
            q=q,
            include={k: tuple(sorted(v)) for k, v in include.items()},
            exclude={k: tuple(sorted(v)) for k, v in exclude.items()},
            require={k: tuple(sorted(v)) for k, v in require.items()},
            date_from=date_from,
            date_to=date_to,
            sort=sort,
            page=page,
            format=fmt,
            facets=facets != "off",
        )

    def _filter_values(self, data) -> tuple[dict, dict, dict]:
        """(include, require, exclude): field -> canonical slugs, each value in one role
        (excluded beats required beats included); unknown values become notes, old slugs
        redirects."""
        roles: dict[str, dict[str, set[str]]] = {"": {}, "+": {}, "-": {}}
        wanted: dict[str, set[str]] = {}
        raw: list[tuple[str, str, str]] = []
        for name in FILTER_FIELDS:
            for value in data.get(name) or []:
                mark = value[0] if value[:1] in ("-", "+") else ""
                slug = value[1:].strip() if mark else value
                if not slug:
                    continue
                raw.append((name, slug, mark))
                wanted.setdefault(name, set()).add(slug)
        known = self._known_values(wanted)
        # Included values by the field they land in and the field they were written in.
        origins: dict[str, dict[str, set[str]]] = {}
        for name, slug, mark in raw:
            found = known.get((name, slug))
            if found is None:
                self.notes.append(_unknown_value_note(name, slug))
                continue
            field, canonical = found  # another field when the entity was refiled
            if (field, canonical) != (name, slug):
                self.redirects[(name, slug)] = canonical
            roles[mark].setdefault(field, set()).add(canonical)
            if not mark:
                origins.setdefault(field, {}).setdefault(name, set()).add(canonical)
        _keep_and_across_refiled_values(origins, roles)
        include, require, exclude = roles[""], roles["+"], roles["-"]
        for stronger, weaker in ((exclude, require), (exclude, include), (require, include)):
            for name, slugs in stronger.items():
                if name in weaker:
                    weaker[name] -= slugs
                    if not weaker[name]:
                        del weaker[name]
        return include, require, exclude

    def _known_values(self, wanted: dict[str, set[str]]) -> dict[tuple[str, str], tuple[str, str]]:
        """(field, slug) -> (field, canonical slug) for every value that names something real.

        Slugs are lower case; ``place=Iraq`` is taken for ``iraq`` (and redirected to it); an
        entity refiled under another kind moves to that kind's field.
        """
        known: dict[tuple[str, str], tuple[str, str]] = {}
        entity_slugs = {
            ENTITY_FILTERS[name]: {s.lower() for s in slugs if _SLUG.match(s.lower())}
            for name, slugs in wanted.items()
            if name in ENTITY_FILTERS
        }
        if any(entity_slugs.values()):
            resolved = selectors.resolve_entity_slugs(entity_slugs)
            for (kind, slug), (target_kind, canonical, name) in resolved.items():
                field = KIND_FILTERS[target_kind]
                known[(KIND_FILTERS[kind], slug)] = (field, canonical)
                self.names[(field, canonical)] = name
        if wanted.get("source"):
            lowered = {slug.lower() for slug in wanted["source"]}
            for slug, canonical in selectors.resolve_source_slugs(lowered).items():
                known[("source", slug)] = ("source", canonical)
        if wanted.get("section"):
            sections = selectors.section_names()
            for slug in wanted["section"]:
                if slug.lower() in sections:
                    known[("section", slug.lower())] = ("section", slug.lower())
        for slug in wanted.get("year", ()):
            if _YEAR.fullmatch(slug) or slug.lower() == UNDATED:
                known[("year", slug.lower())] = ("year", slug.lower())
        for slug in wanted.get("dates", ()):
            if slug.lower() in DATE_KINDS:
                known[("dates", slug.lower())] = ("dates", slug.lower())
        # Each value as written, in whatever case, maps to its canonical slug.
        for name, slugs in wanted.items():
            for slug in slugs:
                canonical = known.get((name, slug.lower()))
                if canonical is not None:
                    known.setdefault((name, slug), canonical)
        return known


def _keep_and_across_refiled_values(
    origins: dict[str, dict[str, set[str]]], roles: dict[str, dict[str, set[str]]]
) -> None:
    """``org=hamas&person=houthis`` asks for both; once the Houthis are an organization the
    two values share one filter, where plain values mean "any of", so a value that came from
    another filter is required as well ("+houthis"). The largest group (the field's own
    first) stays "any of"; other groups of one value become required, which keeps the AND
    exactly (two groups of several values each cannot be written: they stay "any of")."""
    for target, groups in origins.items():
        if len(groups) < 2:
            continue
        kept = max(groups, key=lambda origin: (len(groups[origin]), origin == target))
        for origin, slugs in groups.items():
            if origin != kept and len(slugs) == 1 and not slugs <= groups[kept]:
                roles["+"].setdefault(target, set()).update(slugs)


def _without_control_characters(data):
    """``data`` without control characters (a NUL byte from a pasted link) in any value,
    and the names of the parameters that had one."""
    changed: set[str] = set()
    if not hasattr(data, "lists"):
        return data, changed
    cleaned = data.copy()  # a QueryDict's copy is mutable
    for name, values in data.lists():
        stripped = [strip_control_characters(v) for v in values]
        if stripped != values:
            cleaned.setlist(name, stripped)
            changed.add(name)
    return cleaned, changed


def _unknown_value_note(name: str, slug: str) -> str:
    if name == "year":
        return (
            f"{slug!r} is not a year: write years as four digits, for example 2020 "
            f"(or {UNDATED} for articles without a date)."
        )
    if name == "dates":
        shown = slug if len(slug) <= 30 else slug[:30] + "…"
        return (
            f"{shown!r} is not a kind of date: dates=published keeps the dates sources state, "
            "dates=inferred the inferred ones; that filter was ignored."
        )
    shown = slug if len(slug) <= 60 else slug[:60] + "…"
    return f"No {FILTER_LABELS[name][0]} called {shown!r}; that filter was ignored."


def parse_search(querydict, *, default_format: str = "html") -> tuple[SearchParams, SearchForm]:
    """Parse a request's querystring. Never raises on user input."""
    form = SearchForm(querydict, default_format=default_format)
    form.is_valid()
    return form.params(), form


def parse_page_format(querydict, formats: tuple[str, ...] = ("html", "json")) -> tuple[str, list]:
    """(format, notes) of a page whose only parameter is ``format`` (an entity's page).

    Unknown parameters and formats are ignored with a note, like the search's."""
    notes = []
    unknown = [name for name in querydict if name != "format"]
    for name in unknown[:5]:
        shown = name if len(name) <= 40 else name[:40] + "…"
        notes.append(f"Unknown parameter {shown!r} was ignored.")
    fmt = strip_control_characters(querydict.get("format", "")).strip().lower() or formats[0]
    if fmt not in formats:
        shown = fmt if len(fmt) <= 20 else fmt[:20] + "…"
        notes.append(f"Unknown format {shown!r} was ignored: use {' or '.join(formats[1:])}.")
        fmt = formats[0]
    return fmt, notes


# --- /compare/: up to four searches on one timeline -----------------------------------------

MAX_COMPARED = 4
COMPARE_FORMATS = ("html", "json", "csv")
_NOT_FOR_COMPARE = ("sort", "page", "facets")


@dataclass(frozen=True)
class CompareParams:
    """A valid comparison: the searches' words in the reader's order (their order is the
    legend's), and the filters every one of them shares (a SearchParams without words)."""

    queries: tuple[str, ...] = ()
    filters: SearchParams = field(default_factory=SearchParams)
    format: str = "html"

    def pairs(self, *, with_format: bool = True) -> list[tuple[str, str]]:
        out = [("q", q) for q in self.queries]
        out += self.filters.pairs(with_page=False, with_format=False)
        if with_format and self.format != "html":
            out.append(("format", self.format))
        return out

    def querystring(self, **kwargs) -> str:
        pairs = self.pairs(**kwargs)
        return "?" + urlencode(pairs) if pairs else ""

    def edited(self, **changes) -> CompareParams:
        return replace(self, **changes)


def parse_compare(querydict) -> tuple[CompareParams, SearchForm]:
    """Parse /compare/'s querystring: repeated ``q``, the search's filters and dates,
    ``format`` (html, json, csv). A fifth search, bad dates or unknown parameters become
    messages on the page; never raises on user input."""
    data, _ = _without_control_characters(querydict)
    queries: list[str] = []
    cut = False
    for raw in data.getlist("q") if hasattr(data, "getlist") else []:
        q = " ".join(raw.split())
        if len(q) > MAX_QUERY_CHARS:
            q, cut = q[:MAX_QUERY_CHARS].rsplit(" ", 1)[0], True
        if q and q.casefold() not in {seen.casefold() for seen in queries}:
            queries.append(q)
    rest = data.copy() if hasattr(data, "copy") else dict(data)
    for name in ("q", "format", *_NOT_FOR_COMPARE):
        rest.pop(name, None)
    form = SearchForm(rest)
    form.is_valid()
    filters = form.params()
    if cut:
        form.notes.append(f"The search words were cut to {MAX_QUERY_CHARS:,} characters.")
    if len(queries) > MAX_COMPARED:
        left_out = ", ".join(f"“{q[:40]}”" for q in queries[MAX_COMPARED:])
        form.errors_shown.append(
            f"Compare up to four searches at once: {left_out} "
            f"{'was' if len(queries) == MAX_COMPARED + 1 else 'were'} left out."
        )
        queries = queries[:MAX_COMPARED]
    for name in _NOT_FOR_COMPARE:
        if name in data:
            form.notes.append(f"“{name}” does not apply to a comparison and was ignored.")
    fmt = (data.get("format") or "").strip().lower() or "html"
    if fmt not in COMPARE_FORMATS:
        form.notes.append(f"Unknown format {fmt[:20]!r} was ignored: use json or csv.")
        fmt = "html"
    return CompareParams(tuple(queries), filters, fmt), form
