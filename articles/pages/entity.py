"""A place's, organization's or person's page: its names, its timeline, what it appears with.

Everything counted comes from one search for the entity (articles.search), with the entity as
a required value so every facet is counted within its articles: the places, organizations
and people mentioned with it, its outlets and its timeline are facet counts, never a scan of
the mention table. Each count is what its link finds: a "mentioned with" link is the search
for both (``place=iraq&org=pentagon``, or ``place=iraq&place=%2Bbaghdad`` within one filter).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import pycountry
from django.urls import reverse

from .. import search, selectors
from ..forms import SearchParams
from ..models import Article, Entity
from ..search.vocabulary import ENTITY_FILTERS, FILTER_LABELS, KIND_FILTERS
from .dates import date_json
from .formats import timeline_json
from .search import search_url
from .timeline import TimelineChart, articles_text, timeline_chart

# URL segment -> Entity.kind; the pages sit under the browse lists (/places/, ...).
ENTITY_PATHS = {"places": "place", "organizations": "organization", "people": "person"}
KIND_PATHS = {kind: path for path, kind in ENTITY_PATHS.items()}
MENTIONED_WITH = 10  # values listed per kind
OUTLETS = 10
LATEST = 10

AbsoluteURI = Callable[[str], str]


@functools.cache
def _entity_path(kind: str) -> str:
    return reverse(f"articles:{kind}", kwargs={"slug": "-"})[:-2]  # "/places/"


def entity_url(kind: str, slug: str) -> str:
    """/places/iraq/ (``kind`` an Entity.kind)."""
    return f"{_entity_path(kind)}{slug}/"


@dataclass(frozen=True)
class Mentioned:
    """An entity found in the same articles, with how many, and the search for both."""

    slug: str
    name: str
    count: int
    url: str  # the search for articles naming both
    page: str  # its own entity page

    @property
    def count_text(self) -> str:
        return f"{self.count:,}"  # intcomma costs 50 µs a number, in a page of 40 of them


@dataclass(frozen=True)
class MentionGroup:
    field: str
    label: str  # "Places"
    values: list[Mentioned]


@dataclass(frozen=True)
class Outlet:
    slug: str
    name: str
    count: int
    url: str

    @property
    def count_text(self) -> str:
        return f"{self.count:,}"


@dataclass
class EntityPage:
    entity: Entity
    field: str  # the search filter that selects it ("place", "org", "person")
    other_names: list[str]
    country: tuple[str, str]  # (name, entity page or "") of a place's country; ("", "")
    total: int
    timeline: TimelineChart | None
    mentioned_with: list[MentionGroup]
    outlets: list[Outlet]
    latest: list[Article]
    search_url: str  # every article naming it, on the search page

    @property
    def kind_label(self) -> str:
        label = FILTER_LABELS[self.field][0]
        if self.entity.feature and self.field == "place":
            return f"{label} ({self.entity.feature})"
        return label

    @property
    def url(self) -> str:
        return entity_url(self.entity.kind, self.entity.slug)

    @property
    def nav(self) -> str:
        """The browse list it belongs to (the site menu marks it)."""
        return KIND_PATHS[self.entity.kind]

    @property
    def count_text(self) -> str:
        return articles_text(self.total)

    @property
    def description(self) -> str:
        """What a shared link says about the page (meta description, Open Graph)."""
        return f"{self.entity.name}, {self.kind_label}, in the Newsroom archive: {self.count_text}."


@dataclass(frozen=True)
class MissingEntity:
    """What the page says when no entity has this slug (or the search is down)."""

    kind: str
    slug: str
    unavailable: str = ""

    @property
    def label(self) -> str:
        return FILTER_LABELS[KIND_FILTERS[self.kind]][0]

    @property
    def message(self) -> str:
        shown = self.slug if len(self.slug) <= 60 else self.slug[:60] + "…"
        return f"No {self.label} called “{shown}” in the archive."

    @property
    def list_url(self) -> str:
        return reverse(f"articles:{KIND_PATHS[self.kind]}")

    @property
    def list_name(self) -> str:
        return FILTER_LABELS[KIND_FILTERS[self.kind]][1]


def find_entity(kind: str, slug: str) -> tuple[Entity | None, bool]:
    """(the entity at this address, whether the address is not its canonical one: an old
    slug of a renamed or merged entity, or the slug in other letter case)."""
    entity, moved = selectors.entity_at(kind, slug.lower())
    return entity, moved or (entity is not None and entity.slug != slug)


def entity_page(entity: Entity) -> EntityPage:
    """One search for the entity (timeline, facets within it, the latest articles), the
    names of what it is mentioned with (one query), its aliases (one query)."""
    field = KIND_FILTERS[entity.kind]
    params = SearchParams(include={field: (entity.slug,)})
    response = search.search_articles(
        search.SearchRequest(
            require={field: (entity.slug,)},
            sort="newest",
            per_page=LATEST,
            facets=True,
            timeline="auto",
        )
    )
    country = _country(entity)
    own_country = selectors.country_places().get(entity.country) if entity.country else None
    left_out = {entity.slug} | ({own_country.slug} if own_country and field == "place" else set())
    mentioned = _mentioned_with(params, field, response.facets, left_out)
    sources = selectors.source_names()
    outlets = [
        Outlet(
            fc.value,
            sources.get(fc.value, fc.value),
            fc.count,
            search_url(params.with_value("source", fc.value)),
        )
        for fc in response.facets.get("source", ())[:OUTLETS]
    ]
    return EntityPage(
        entity=entity,
        field=field,
        other_names=selectors.other_names(entity),
        country=country,
        total=response.total,
        timeline=timeline_chart(response.timeline, params, search_url),
        mentioned_with=mentioned,
        outlets=outlets,
        latest=selectors.articles_in_order([hit.article_id for hit in response.hits]),
        search_url=search_url(params),
    )


def _mentioned_with(params, own_field, facets, left_out: set[str]) -> list[MentionGroup]:
    tops = {
        name: [fc for fc in facets.get(name, ())[: MENTIONED_WITH + 2] if fc.value not in left_out][
            :MENTIONED_WITH
        ]
        for name in ENTITY_FILTERS
    }
    names = selectors.entity_names(
        {ENTITY_FILTERS[name]: [fc.value for fc in top] for name, top in tops.items()}
    )
    groups = []
    for name, top in tops.items():
        kind = ENTITY_FILTERS[name]
        mark = "+" if name == own_field else ""  # one filter: required as well, not "or"
        values = [
            Mentioned(
                fc.value,
                names.get((kind, fc.value), fc.value),
                fc.count,
                search_url(params.with_value(name, f"{mark}{fc.value}")),
                entity_url(kind, fc.value),
            )
            for fc in top
        ]
        groups.append(MentionGroup(name, FILTER_LABELS[name][1].capitalize(), values))
    return groups


def _country(entity: Entity) -> tuple[str, str]:
    """(name, page) of a place's country; the page is "" when the archive has no such place."""
    if entity.kind != Entity.Kind.PLACE or not entity.country or entity.feature == "country":
        return "", ""
    place = selectors.country_places().get(entity.country)
    if place is not None:
        return place.name, entity_url(Entity.Kind.PLACE, place.slug)
    found = pycountry.countries.get(alpha_2=entity.country)
    return (getattr(found, "common_name", None) or (found.name if found else entity.country)), ""


def entity_json(page: EntityPage, absolute_uri: AbsoluteURI) -> dict:
    """The entity page as JSON."""
    entity = page.entity
    return {
        "kind": entity.kind,
        "slug": entity.slug,
        "name": entity.name,
        "other_names": page.other_names,
        "feature": entity.feature,
        "country": (
            {"code": entity.country, "name": page.country[0] or entity.name}
            if entity.country
            else None
        ),
        "articles": page.total,
        "timeline": timeline_json(page.timeline, absolute_uri),
        "mentioned_with": {
            group.field: [
                {
                    "slug": m.slug,
                    "name": m.name,
                    "count": m.count,
                    "search": absolute_uri(m.url),
                    "page": absolute_uri(m.page),
                }
                for m in group.values
            ]
            for group in page.mentioned_with
        },
        "outlets": [
            {"slug": o.slug, "name": o.name, "count": o.count, "search": absolute_uri(o.url)}
            for o in page.outlets
        ],
        "latest": [
            {
                "id": a.id,
                "headline": a.headline,
                "published": a.published.isoformat() if a.published else None,
                "date": date_json(a),
                "url": absolute_uri(a.get_absolute_url()),
            }
            for a in page.latest
        ],
        "links": {
            "html": absolute_uri(page.url),
            "search": absolute_uri(page.search_url),
        },
    }
