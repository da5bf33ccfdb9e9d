"""The A–Z lists of outlets, places, organizations, people and authors, and the home page's
tops."""

from __future__ import annotations

from dataclasses import dataclass

from .. import selectors
from ..search.vocabulary import ENTITY_FILTERS, FILTERS

# URL kind -> (filter field, title, singular): the filter's labels.
BROWSE_KINDS = {
    kind: (name, FILTERS[name].label_plural.capitalize(), FILTERS[name].label)
    for kind, name in (
        ("sources", "source"),
        ("places", "place"),
        ("organizations", "org"),
        ("people", "person"),
        ("authors", "author"),
    )
}
TOP_ENTRIES = 100  # a big list opens on its most named entries
BIG_LIST = 300


def home_page() -> dict:
    count = selectors.article_count()
    return {
        "article_count": count,
        "meta_description": (
            f"Search and browse {count:,} news article{'s' if count != 1 else ''} "
            "by place, organization, person and outlet."
        ),
        "latest": selectors.latest_articles(20),
        "sources": selectors.source_directory().largest(10),
        "places": selectors.entity_directory("place").largest(10),
        "orgs": selectors.entity_directory("organization").largest(10),
    }


@dataclass
class BrowsePage:
    kind: str
    field: str
    title: str
    singular: str
    entries: list
    groups: list | None  # places: (country name, country entry or None, entries)
    letters: list[str]
    letter: str
    query: str
    total: int
    top_only: bool

    def context(self) -> dict:
        return {
            **self.__dict__,
            "meta_title": f"{self.title} · Newsroom",
            "meta_description": (
                f"{self.total:,} {self.title.lower()} named in the Newsroom archive, "
                "A to Z, each linking to the articles that name it."
            ),
            "nav": self.kind,
            "browse_kinds": [(k, v[1]) for k, v in BROWSE_KINDS.items()],
        }


def browse_page(kind: str, *, letter: str = "", query: str = "") -> BrowsePage:
    """One browse list, narrowed to a letter or to names containing ``query``."""
    field, title, singular = BROWSE_KINDS[kind]
    if field == "source":
        directory = selectors.source_directory()
    elif field == "author":
        directory = selectors.author_directory()
    else:
        directory = selectors.entity_directory(ENTITY_FILTERS[field])
    entries, letters = directory.entries, directory.letters
    if letter not in letters:
        letter = ""
    # Big lists open on the most named entries; a letter or a search shows the rest.
    shown = selectors.filter_directory(entries, letter=letter, query=query)
    top_only = not letter and not query and len(entries) > BIG_LIST
    if top_only:
        shown = sorted(directory.largest(TOP_ENTRIES), key=lambda e: e.name.casefold())
    groups = _by_country(shown) if field == "place" else None
    return BrowsePage(
        kind, field, title, singular, shown, groups, letters, letter, query, len(entries), top_only
    )


def _by_country(entries: list) -> list:
    """(country name, the country's own entry or None, the other places in it), by name.

    The country's entry is the group's heading, so it is not listed under it again.
    """
    countries = selectors.country_names({e.country for e in entries})
    by_country: dict[str, list] = {}
    for entry in entries:
        by_country.setdefault(entry.country, []).append(entry)
    groups = []
    for code, items in by_country.items():
        country = next((e for e in items if e.feature == "country"), None) if code else None
        places = [e for e in items if e is not country]
        groups.append((countries.get(code, "") if code else "Elsewhere", country, places))
    return sorted(groups, key=lambda g: (g[0] == "Elsewhere", g[0].casefold()))
