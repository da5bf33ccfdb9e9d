"""/compare/'s querystring: up to four searches on one timeline, with the filters they share.

The filters and dates are the search's (articles.forms.search parses them, so a value that
names nothing finds nothing here too); ``q`` repeats, one search each, and ``by``,
``period`` and ``format`` are the comparison's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from .parameters import cut_query, without_control_characters
from .search import SearchForm, SearchParams

MAX_COMPARED = 4
COMPARE_FORMATS = ("html", "json", "csv")
# One line per search, or one per outlet of one search (``by=source``).
COMPARE_BY = ("search", "source")
# The period each point counts; "" chooses it from the span (day, month or year).
COMPARE_PERIODS = ("day", "week", "month", "year")
_NOT_FOR_COMPARE = ("sort", "page", "facets", "stories")


@dataclass(frozen=True)
class CompareParams:
    """A valid comparison: the searches' words in the reader's order (their order is the
    legend's), the filters every one of them shares (a SearchParams without words), what
    a line is (``by``: a search, or an outlet of the one search) and the period counted."""

    queries: tuple[str, ...] = ()
    filters: SearchParams = field(default_factory=SearchParams)
    format: str = "html"
    by: str = "search"
    period: str = ""

    def pairs(self, *, with_format: bool = True) -> list[tuple[str, str]]:
        out = [("q", q) for q in self.queries]
        out += self.filters.pairs(with_page=False, with_format=False)
        if self.by != "search":
            out.append(("by", self.by))
        if self.period:
            out.append(("period", self.period))
        if with_format and self.format != "html":
            out.append(("format", self.format))
        return out

    def querystring(self, **kwargs) -> str:
        pairs = self.pairs(**kwargs)
        return "?" + urlencode(pairs) if pairs else ""

    def edited(self, **changes) -> CompareParams:
        return replace(self, **changes)


def parse_compare(querydict) -> tuple[CompareParams, SearchForm]:
    """Parse /compare/'s querystring: repeated ``q``, the search's filters and dates, ``by``
    (search, source), ``period`` (day, week, month, year) and ``format`` (html, json, csv).
    A fifth search, bad dates, unknown values or parameters become messages on the page;
    never raises on user input."""
    data, _ = without_control_characters(querydict)
    queries: list[str] = []
    notes = []
    for raw in data.getlist("q") if hasattr(data, "getlist") else []:
        q, note = cut_query(" ".join(raw.split()))
        notes += [note] if note else []
        if q and q.casefold() not in {seen.casefold() for seen in queries}:
            queries.append(q)
    rest = data.copy() if hasattr(data, "copy") else dict(data)
    for name in ("q", "format", "by", "period", *_NOT_FOR_COMPARE):
        rest.pop(name, None)
    form = SearchForm(rest)
    form.is_valid()
    filters = form.params()
    form.notes.extend(dict.fromkeys(notes))
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
    by = _compare_by(data, queries, form)
    period = (data.get("period") or "").strip().lower()
    if period not in ("", *COMPARE_PERIODS):
        form.errors_shown.append(
            f"Unknown period {period[:20]!r}: use day, week, month or year. "
            "Shown in a period chosen from the span instead."
        )
        period = ""
    return CompareParams(tuple(queries), filters, fmt, by, period), form


def _compare_by(data, queries: list[str], form: SearchForm) -> str:
    """``by``: "search" (a line per search) or "source" (a line per outlet of one search;
    "outlet" is taken for it)."""
    by = (data.get("by") or "").strip().lower() or "search"
    by = "source" if by == "outlet" else by
    if by not in COMPARE_BY:
        form.errors_shown.append(
            f"Unknown line {by[:20]!r}: use by=source for a line per outlet. "
            "Shown a line per search instead."
        )
        return "search"
    if by == "source" and len(queries) > 1:
        left_out = ", ".join(f"“{q[:40]}”" for q in queries[1:])
        form.errors_shown.append(
            f"A line per outlet splits one search: {left_out} "
            f"{'was' if len(queries) == 2 else 'were'} left out."
        )
        del queries[1:]
    return by
