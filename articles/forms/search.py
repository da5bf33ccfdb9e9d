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

Parameters, in canonical order: ``q``; the filters, one per group of
articles.search.vocabulary.FILTER_GROUPS in its order: ``place``, ``org``, ``person`` (entity
slugs), ``source`` (outlet slug), ``section`` (slugified section), ``year`` (four digits, or
``undated`` for articles without a date), ``dates`` (``published``: dates their sources state
or an editor gave; ``inferred``: dates the archive inferred; ``dates=-inferred`` leaves those
out), ``author`` (author slug); ``from`` and ``to`` (YYYY-MM-DD), ``sort`` (relevance, newest,
oldest), ``page``, ``format`` (json, atom, csv) and ``facets=off`` (JSON without filter
counts).

Filter values are looked up by slug, old slug, name and other names
(articles.filter_lookup): an old or other spelling redirects to the canonical link. A value
that names nothing, or a date that is no date, stays in the search as written, which then
finds nothing and says why: a filter never silently vanishes (issue 18).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django import forms

from ..filter_lookup import look_up
from ..search.vocabulary import FILTER_NAMES, FILTERS, SORTS
from .parameters import (
    MAX_PAGE,
    LenientDateField,
    cut_query,
    whole_number,
    without_control_characters,
)

FORMATS = ("html", "json", "atom", "csv")
# The one order parameters are written in, so one view has one URL.
CANONICAL_ORDER = (
    "q",
    *FILTER_NAMES,
    "from",
    "to",
    "sort",
    "page",
    "format",
    "facets",
    "stories",
)
MAX_VALUE_CHARS = 100  # a value that names nothing is kept this long in the search's link


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
    # stories=off: every matching article a result of its own (no story collapsed).
    stories: bool = True
    # (parameter, value as written, "-"/"+" kept) for filter values that name nothing and
    # dates that are no date: kept in the link, and the search finds nothing.
    unmatched: tuple[tuple[str, str], ...] = ()

    def pairs(self, *, with_page: bool = True, with_format: bool = True) -> list[tuple[str, str]]:
        """The canonical (name, value) list: fixed parameter order, sorted values."""
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        for name in FILTER_NAMES:
            out += [(name, v) for v in self.include.get(name, ())]
            out += [(name, f"+{v}") for v in self.require.get(name, ())]
            out += [(name, f"-{v}") for v in self.exclude.get(name, ())]
            out += [pair for pair in self.unmatched if pair[0] == name]
        for name, day in (("from", self.date_from), ("to", self.date_to)):
            out += [(name, day.isoformat())] if day else []
            out += [pair for pair in self.unmatched if pair[0] == name and not day]
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if with_page and self.page > 1:
            out.append(("page", str(self.page)))
        if with_format and self.format != "html":
            out.append(("format", self.format))
        if with_format and not self.facets:
            out.append(("facets", "off"))
        if not self.stories:  # a way of reading the results, kept in every link
            out.append(("stories", "off"))
        return out

    def querystring(self, **kwargs) -> str:
        """``?q=...&place=...`` in canonical order, or "" for the empty search."""
        pairs = self.pairs(**kwargs)
        return "?" + urlencode(pairs) if pairs else ""

    @property
    def has_filters(self) -> bool:
        return bool(
            self.include
            or self.require
            or self.exclude
            or self.date_from
            or self.date_to
            or self.unmatched
        )

    @property
    def filter_count(self) -> int:
        """Active filter values, dates included (the words are not a filter)."""
        dates = bool(self.date_from) + bool(self.date_to)
        return len(self.active()) + dates + len(self.unmatched)

    @property
    def is_empty(self) -> bool:
        return not self.q and not self.has_filters

    def active(self) -> list[tuple[str, str, str]]:
        """Every active filter value as (field, slug, mark): mark "" included (any of),
        "+" required (all of), "-" excluded."""
        out = []
        for name in FILTER_NAMES:
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
        """Drop a value in whatever role; ``value`` as written drops an unmatched one."""
        slug = value[1:] if value[:1] in ("-", "+") else value
        roles = self._without_slug(name, slug)
        unmatched = tuple(pair for pair in self.unmatched if pair != (name, value))
        return self.edited(
            include=roles[""], require=roles["+"], exclude=roles["-"], unmatched=unmatched
        )

    def _without_slug(self, name: str, slug: str) -> dict[str, dict]:
        return {
            mark: _without(values, name, slug)
            for mark, values in (("", self.include), ("+", self.require), ("-", self.exclude))
        }

    def without_field(self, name: str) -> SearchParams:
        if name == "q":
            return self.edited(q="")
        unmatched = tuple(pair for pair in self.unmatched if pair[0] != name)
        if name == "from":
            return self.edited(date_from=None, unmatched=unmatched)
        if name == "to":
            return self.edited(date_to=None, unmatched=unmatched)
        return self.edited(
            include={k: v for k, v in self.include.items() if k != name},
            require={k: v for k, v in self.require.items() if k != name},
            exclude={k: v for k, v in self.exclude.items() if k != name},
            unmatched=unmatched,
        )

    def without_filters(self) -> SearchParams:
        """Only the words (and sort): every filter and date dropped."""
        return self.edited(
            include={}, require={}, exclude={}, date_from=None, date_to=None, unmatched=()
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


class SearchForm(forms.Form):
    """Parses ``request.GET`` into SearchParams plus the notes the page shows.

    Never raises on user input: a problem becomes a note and the offending value is left out.
    ``redirects`` holds renamed or merged entity slugs (old -> new), which the view answers
    with a permanent redirect to the canonical URL.
    """

    q = forms.CharField(required=False, strip=True)
    sort = forms.CharField(required=False)
    page = forms.CharField(required=False)
    format = forms.CharField(required=False)
    facets = forms.CharField(required=False)
    stories = forms.CharField(required=False)

    def __init__(self, data, *, default_format: str = "html", **kwargs):
        data, controls = without_control_characters(data)
        data = _last_dates_given(data)
        super().__init__(data, **kwargs)
        # One field per filter group (articles.search.vocabulary.FILTER_GROUPS).
        for name in FILTER_NAMES:
            self.fields[name] = FilterValuesField(required=False)
        # "from" is a Python keyword, so these two cannot be class attributes.
        self.fields["from"] = LenientDateField(required=False)
        self.fields["to"] = LenientDateField(required=False)
        self.default_format = default_format
        self.notes: list[str] = []
        self.errors_shown: list[str] = []
        self.redirects: dict[tuple[str, str], str] = {}
        self.names: dict[tuple[str, str], str] = {}
        self.unmatched: list[tuple[str, str]] = []
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
            raw = " ".join(str(self.data.get(name, "")).split())[:MAX_VALUE_CHARS]
            if name in ("from", "to"):
                self.unmatched.append((name, raw))
                self.errors_shown.append(unmatched_message(name, raw))
                continue
            for message in errors:
                self.errors_shown.append(f"The {label} {raw!r} was ignored. {message}")
        return self.cleaned_data

    def params(self) -> SearchParams:
        """The valid search state. Call after is_valid() (which is always True)."""
        data = self.cleaned_data
        q, note = cut_query(" ".join((data.get("q") or "").split()))
        if note:
            self.notes.append(note)

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

        stories = (data.get("stories") or "").strip().lower()
        if stories not in ("", "on", "off"):
            shown = stories if len(stories) <= 20 else stories[:20] + "…"
            self.notes.append(f"Unknown stories value {shown!r} was ignored: use on or off.")

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
            stories=stories != "off",
            unmatched=_canonical_order(self.unmatched),
        )

    def _filter_values(self, data) -> tuple[dict, dict, dict]:
        """(include, require, exclude): field -> canonical slugs, each value in one role
        (excluded beats required beats included); old spellings become redirects, values
        that name nothing ``unmatched``."""
        roles: dict[str, dict[str, set[str]]] = {"": {}, "+": {}, "-": {}}
        wanted: dict[str, set[str]] = {}
        raw: list[tuple[str, str, str]] = []
        for name in FILTER_NAMES:
            for value in data.get(name) or []:
                mark = value[0] if value[:1] in ("-", "+") else ""
                slug = value[1:].strip() if mark else value
                if not slug:
                    continue
                raw.append((name, slug, mark))
                wanted.setdefault(name, set()).add(slug)
        known = look_up(wanted)
        # Included values by the field they land in and the field they were written in.
        origins: dict[str, dict[str, set[str]]] = {}
        for name, slug, mark in raw:
            found = known.get((name, slug))
            if found is None:
                shown = slug[:MAX_VALUE_CHARS]
                if (name, mark + shown) not in self.unmatched:
                    self.unmatched.append((name, mark + shown))
                    self.errors_shown.append(unmatched_message(name, shown))
                continue
            field, canonical = found.field, found.slug  # another field when refiled
            if found.name:
                self.names[(field, canonical)] = found.name
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


def _last_dates_given(data):
    """``from`` and ``to`` as the last value given: the search form sends a date that is
    no date (kept from the link) before its date box, which wins once the reader fills it."""
    if not hasattr(data, "getlist") or not any(len(data.getlist(n)) > 1 for n in ("from", "to")):
        return data
    data = data.copy()
    for name in ("from", "to"):
        given = [v for v in data.getlist(name) if v.strip()]
        if given:
            data.setlist(name, given[-1:])
    return data


def unmatched_message(name: str, value: str) -> str:
    """What the page says about a filter value that names nothing, or a date that is none."""
    if name in ("from", "to"):
        label = "start date" if name == "from" else "end date"
        return (
            f"The {label} {value!r} is not a date, so no article matches. "
            f"{LenientDateField.default_error_messages['invalid']}"
        )
    return FILTERS[name].not_found_message(value)


def _canonical_order(pairs: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(set(pairs), key=lambda pair: (CANONICAL_ORDER.index(pair[0]), pair[1])))


def parse_search(querydict, *, default_format: str = "html") -> tuple[SearchParams, SearchForm]:
    """Parse a request's querystring. Never raises on user input."""
    form = SearchForm(querydict, default_format=default_format)
    form.is_valid()
    return form.params(), form
