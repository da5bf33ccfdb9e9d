"""The search vocabulary, written once: the filter groups, entity kinds, sorts and text fields.

``FILTER_GROUPS`` is the one list of filters. Every other module reads it: the querystring
form (one parameter per group, written back in this order), the index documents (one keyword
field per group, articles.search.documents), the engines (a facet per group), page assembly
(labels, value order, how a search is described) and the templates. A new filter is one
entry here plus its values: how an article's are indexed (``DOCUMENT_VALUES`` in
articles.search.documents) and how a value as written is found, named and offered
(``VALUE_LOOKUPS`` in articles.filter_lookup); the Solr configset declares its field.
tests/test_filter_registry.py walks every entry through every layer.
"""

from __future__ import annotations

from dataclasses import dataclass

# The year value of an article without a date: a real value in the index, so the year
# facet counts undated articles and ``year=undated`` selects them on every engine.
UNDATED = "undated"

# How an article's date was obtained, as the "dates" filter tells them apart: stated by its
# source (or an editor), or inferred (dateline, text, address, article number). Undated
# articles have neither (year=undated finds them).
DATES_PUBLISHED = "published"
DATES_INFERRED = "inferred"
DATE_KINDS = {DATES_PUBLISHED: "Published", DATES_INFERRED: "Inferred"}


@dataclass(frozen=True)
class FilterGroup:
    """One filter of the search and the facet group that counts its values."""

    # The querystring parameter (``place=iraq``), and the group's key in JSON.
    name: str
    # The index field holding one keyword per value; facets count its ``<field>_exact`` copy.
    field: str
    # One value and several, as readers see them ("organization", "organizations").
    label: str
    label_plural: str
    # How values are indexed (articles.search.documents.DOCUMENT_VALUES) and looked up
    # (articles.filter_lookup.VALUE_LOOKUPS): "entity", "source", "section", "year",
    # "date_kind", "author".
    values: str
    kind: str = ""  # the Entity.kind of an "entity" group's values
    choices: tuple[tuple[str, str], ...] = ()  # a fixed set of values, with their names
    # The order of the group's values on the page: most articles first ("count"), or the
    # newest first with undated articles last ("newest": years).
    order: str = "count"
    # Values listed on the search page: the first ten in view, the rest under "All N"; the
    # values page lists every one. A long tail of names a reader rarely scans (authors)
    # keeps the page light with ten.
    on_page: int = 30
    # Where the words describing a search name its values: with the search words
    # ("subject": "troops, Pentagon"), after them ("where": "troops in Iraq"), or in a part
    # of their own ("part": "· Press TV").
    summary: str = "part"
    # The word before its values in a description ("in Iraq", "by Jane Doe"; "not in Iraq").
    preposition: str = ""
    # What the page says of a value that names nothing (``{value!r}`` as written, cut to
    # ``not_found_chars`` characters; ``{label}`` the group's label).
    not_found: str = "No {label} called {value!r} in this archive, so no article matches."
    not_found_chars: int | None = 60

    def not_found_message(self, value: str) -> str:
        cut = self.not_found_chars
        shown = value if cut is None or len(value) <= cut else value[:cut] + "…"
        return self.not_found.format(value=shown, label=self.label)


# The filters, in the order the search page shows them and the canonical querystring writes
# them.
FILTER_GROUPS: tuple[FilterGroup, ...] = (
    FilterGroup(
        name="place",
        field="place",
        label="place",
        label_plural="places",
        values="entity",
        kind="place",
        summary="where",
        preposition="in",
    ),
    FilterGroup(
        name="org",
        field="org",
        label="organization",
        label_plural="organizations",
        values="entity",
        kind="organization",
        summary="subject",
    ),
    FilterGroup(
        name="person",
        field="person",
        label="person",
        label_plural="people",
        values="entity",
        kind="person",
        summary="subject",
    ),
    FilterGroup(
        name="source", field="source", label="outlet", label_plural="outlets", values="source"
    ),
    FilterGroup(
        name="section",
        field="section",
        label="section",
        label_plural="sections",
        values="section",
    ),
    FilterGroup(
        name="year",
        field="year",
        label="year",
        label_plural="years",
        values="year",
        order="newest",
        not_found=(
            "{value!r} is not a year, so no article matches: years are written as four "
            f"digits, for example 2020 (or {UNDATED} for articles without a date)."
        ),
        not_found_chars=None,
    ),
    FilterGroup(
        name="dates",
        field="dates",
        label="date",
        label_plural="dates",
        values="date_kind",
        choices=tuple(DATE_KINDS.items()),
        not_found=(
            "{value!r} is not a kind of date, so no article matches: dates=published keeps "
            "the dates sources state, dates=inferred the inferred ones."
        ),
        not_found_chars=30,
    ),
    FilterGroup(
        name="author",
        field="authors",
        label="author",
        label_plural="authors",
        values="author",
        preposition="by",
        on_page=10,
    ),
)

# Parameter -> its group; the parameters and the index fields, in the groups' order.
FILTERS = {group.name: group for group in FILTER_GROUPS}
FILTER_NAMES = tuple(FILTERS)
FILTER_FIELDS = tuple(group.field for group in FILTER_GROUPS)
# Singular and plural label of each filter, as readers see them.
FILTER_LABELS = {group.name: (group.label, group.label_plural) for group in FILTER_GROUPS}
# Filters whose values are entity slugs, and the Entity.kind of each.
ENTITY_FILTERS = {group.name: group.kind for group in FILTER_GROUPS if group.values == "entity"}
# Entity.kind -> the filter that selects it.
KIND_FILTERS = {kind: name for name, kind in ENTITY_FILTERS.items()}

SORTS = ("relevance", "newest", "oldest")

# The index fields the query language searches: (part of the article, exact word forms?) ->
# index field. The unstemmed fields hold the same words at the same positions, not stemmed.
TEXT_FIELDS = {
    ("text", False): "text",
    ("text", True): "text_unstemmed",
    ("headline", False): "headline",
    ("headline", True): "headline_unstemmed",
}

# Results per page on the search page, JSON and feeds; the largest page an API caller gets.
PER_PAGE = 20
MAX_PER_PAGE = 200
