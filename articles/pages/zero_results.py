"""A search with no results: what dropping each filter alone, or dropping or loosening one part
of the query (articles.search.query_relaxations), would find, as counts and links."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.defaultfilters import truncatechars
from django.urls import reverse

from .. import search
from ..forms.search import SearchParams
from .search import Chip, search_request


@dataclass
class Change:
    """One edit of a search with no results, and how many articles it would find."""

    text: str
    url: str
    count: int


@dataclass
class ZeroResultChanges:
    helpful: list[Change]  # most articles first
    unhelpful: list[Change]  # still no articles
    everything: Change | None  # all filters dropped, offered when no single change helps


MAX_CHANGES = 12  # each is a count over the index; a pasted URL can carry many filters


def zero_result_changes(params: SearchParams, chips: list[Chip]) -> ZeroResultChanges | None:
    """For each part of the query and each active filter, what dropping or loosening it alone
    would find (counts only)."""
    dropped = _candidates(params, chips)
    relaxed = [(text, params.edited(q=q)) for text, q in search.query_relaxations(params.q)]
    candidates = relaxed + dropped
    if not candidates:
        return None
    changes = [_change(text, p) for text, p in candidates[:MAX_CHANGES]]
    helpful = sorted((c for c in changes if c.count), key=lambda c: -c.count)
    everything = None
    if not helpful and len(dropped) - bool(params.q) > 1:
        bare = params.without_filters()
        text = (
            f"Keep only the words “{truncatechars(params.q, 60)}”"
            if params.q
            else ("Drop every filter")
        )
        everything = _change(text, bare)
    return ZeroResultChanges(helpful, [c for c in changes if not c.count], everything)


def _change(text: str, params: SearchParams) -> Change:
    url = reverse("articles:search") + params.querystring()
    return Change(text, url, search.count_articles(search_request(params, facets=False)))


def _candidates(params: SearchParams, chips: list[Chip]) -> list[tuple[str, SearchParams]]:
    candidates: list[tuple[str, SearchParams]] = []
    if params.q and params.has_filters:
        words = truncatechars(params.q, 60)
        candidates.append((f"Search without the words “{words}”", params.without_field("q")))
    by_field: dict[str, list[Chip]] = {}
    for chip in chips:
        if chip.value[:1] in ("-", "+"):  # dropping an exclusion or a required value adds
            candidates.append((f"Drop “{chip.text}”", params.without_value(chip.field, chip.value)))
        else:  # one value of several (OR) only narrows: drop the field's whole selection
            by_field.setdefault(chip.field, []).append(chip)
    for field_name, field_chips in by_field.items():
        without = params.edited(
            include={k: v for k, v in params.include.items() if k != field_name}
        )
        text = " or ".join(c.text.split(": ", 1)[-1] for c in field_chips)
        label = field_chips[0].text.split(": ", 1)[0]
        candidates.append((f"Drop “{label}: {text}”", without))
    if params.date_from:
        candidates.append(("Drop the start date", params.without_field("from")))
    if params.date_to:
        candidates.append(("Drop the end date", params.without_field("to")))
    return candidates
