"""What a search asks and what it answers: the types shared by the service, the engines
and page assembly. No engine code here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from .query import ParsedQuery, Phrase

_EMPTY: Mapping[str, tuple[str, ...]] = MappingProxyType({})


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    # facet field -> values (entity/source/section slugs, "2020" for year);
    # OR within a field, AND across fields.
    include: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _EMPTY)
    exclude: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _EMPTY)
    date_from: date | None = None  # inclusive, on Article.published
    date_to: date | None = None
    sort: str = "relevance"  # "relevance" | "newest" | "oldest"
    page: int = 1
    per_page: int = 20
    facets: bool = True


@dataclass
class Hit:
    article_id: int
    score: float
    headline_html: str  # escaped, with <mark>…</mark> around matched words
    snippet_html: str


@dataclass
class FacetCount:
    value: str
    count: int


class FacetCounts(Sequence):
    """Every value of one facet with count > 0, count desc then value, as FacetCount.

    Items are made when read: a page slices the top ones and asks for ``len``; only the
    page listing all values of one filter walks them all.
    """

    __slots__ = ("_pairs",)

    def __init__(self, pairs: Sequence[tuple[str, int]]):
        self._pairs = pairs

    def __len__(self) -> int:
        return len(self._pairs)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [FacetCount(v, c) for v, c in self._pairs[index]]
        return FacetCount(*self._pairs[index])

    def __iter__(self):
        return (FacetCount(v, c) for v, c in self._pairs)

    def __eq__(self, other) -> bool:
        if isinstance(other, (FacetCounts, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # mutable-sequence semantics: equal to a list, so not hashable

    def __repr__(self) -> str:
        return f"FacetCounts({list(self[:5])!r}{', …' if len(self) > 5 else ''})"


@dataclass
class SearchResponse:
    total: int
    hits: list[Hit]
    facets: dict[str, FacetCounts]  # every value with count > 0, count desc then value
    suggestion: str | None = None  # "did you mean" query string
    notes: list[str] = field(default_factory=list)


class SearchUnavailable(RuntimeError):
    """The search engine did not answer (a cluster that is down, or refused the request)."""


SEARCH_UNAVAILABLE = (
    "Search is unavailable right now: the search engine did not answer. "
    "Try again in a minute; if it keeps happening, tell the site's operator."
)


# --- What the service asks of an engine (articles.search.engine) ---------------------------


@dataclass(frozen=True)
class EngineQuery:
    """One search as an engine takes it: parsed words, cleaned filters, dates."""

    parsed: ParsedQuery
    include: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _EMPTY)
    exclude: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _EMPTY)
    date_from: date | None = None
    date_to: date | None = None


@dataclass
class EngineResult:
    total: int
    hits: list[tuple[int, float]]  # (article id, score), one page
    facets: Mapping[str, Sequence[tuple[str, int]]]  # every value, count desc then value
    # Folded query word -> the likelier indexed word (engines that correct word by word)...
    corrections: dict[str, str] = field(default_factory=dict)
    # ...or a whole suggested query (engines whose own spelling suggester answers).
    suggestion: str | None = None
    # Query words and phrases that have no index terms, each with why: "common" or "short".
    unsearchable: list[tuple[Phrase, str]] = field(default_factory=list)
