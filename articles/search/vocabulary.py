"""The search vocabulary, written once: filter fields, their labels, entity kinds and sorts.

Every other module (the querystring form, the index documents, the engines, page assembly,
templates' tags) reads these names from here, so adding or renaming a filter is one edit.
"""

from __future__ import annotations

# Filter (and facet) fields, in the order the search page shows them and the canonical
# querystring writes them.
FILTER_FIELDS = ("place", "org", "person", "source", "section", "year", "dates")

# Singular and plural label of each filter, as readers see them.
FILTER_LABELS = {
    "place": ("place", "places"),
    "org": ("organization", "organizations"),
    "person": ("person", "people"),
    "source": ("outlet", "outlets"),
    "section": ("section", "sections"),
    "year": ("year", "years"),
    "dates": ("date", "dates"),
}

# Filters whose values are entity slugs, and the Entity.kind of each.
ENTITY_FILTERS = {"place": "place", "org": "organization", "person": "person"}
# Entity.kind -> the filter that selects it.
KIND_FILTERS = {kind: name for name, kind in ENTITY_FILTERS.items()}

# The year value of an article without a date: a real value in the index, so the year
# facet counts undated articles and ``year=undated`` selects them on every engine.
UNDATED = "undated"

# How an article's date was obtained, as the "dates" filter tells them apart: stated by its
# source (or an editor), or inferred (dateline, text, address, article number). Undated
# articles have neither (year=undated finds them).
DATES_PUBLISHED = "published"
DATES_INFERRED = "inferred"
DATE_KINDS = {DATES_PUBLISHED: "Published", DATES_INFERRED: "Inferred"}

SORTS = ("relevance", "newest", "oldest")

# Results per page on the search page, JSON and feeds; the largest page an API caller gets.
PER_PAGE = 20
MAX_PER_PAGE = 200


def filter_label(name: str, *, plural: bool = False) -> str:
    """ "place" -> "place" (or "places"); "org" -> "organization"."""
    return FILTER_LABELS[name][1 if plural else 0]
