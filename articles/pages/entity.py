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
from urllib.parse import urlencode

import pycountry
from django.urls import reverse

from .. import search, selectors
from ..filter_lookup import closest_values, look_up
from ..forms.search import SearchParams
from ..models import Article, Entity
from ..search.vocabulary import ENTITY_FILTERS, FILTER_LABELS, KIND_FILTERS
from .dates import date_json
from .search import search_url
from .search_formats import timeline_json
from .timeline import TimelineChart, articles_text, timeline_chart

# URL segment -> Entity.kind; the pages sit under the browse lists (/places/, ...).
ENTITY_PATHS = {"places": "place", "organizations": "organization", "people": "person"}
KIND_PATHS = {kind: path for path, kind in ENTITY_PATHS.items()}
MENTIONED_WITH = 10  # values listed per kind on the entity's page
MENTIONED_PER_PAGE = 50  # on the page listing all of one kind
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
    total: int = 0  # how many there are in all
    more_url: str = ""  # the page listing them all ("" when all are here)


@dataclass(frozen=True)
class Outlet:
    slug: str
    name: str
    count: int
    url: str

    @property
    def count_text(self) -> str:
        return f"{self.count:,}"


@dataclass(frozen=True)
class Namesake:
    """Another entity of the same name, with what tells it apart."""

    entity: Entity
    url: str

    @property
    def kind_label(self) -> str:
        return FILTER_LABELS[KIND_FILTERS[self.entity.kind]][0]


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
    namesakes: list[Namesake] = ()

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
        who = f" ({self.entity.description})" if self.entity.description else ""
        return (
            f"{self.entity.name}, {self.kind_label}{who}, in the Newsroom archive: "
            f"{self.count_text}."
        )


@dataclass(frozen=True)
class MissingEntity:
    """What the page says when no entity has this slug (or the search is down), with the
    archive's closest names as links."""

    kind: str
    slug: str
    unavailable: str = ""

    @functools.cached_property
    def closest(self) -> list[tuple[str, str, str]]:
        """(name, page, kind) of the nearest names, another kind's namesake first (its kind
        said; "" for this kind)."""
        field = KIND_FILTERS[self.kind]
        return [
            (
                found.name,
                entity_url(ENTITY_FILTERS[found.field], found.slug),
                FILTER_LABELS[found.field][0] if found.field != field else "",
            )
            for found in closest_values(field, self.slug)
        ]

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
    slug of a renamed, merged or refiled entity, the slug in other letter case, or one of
    its other names: ``/organizations/iaea/``), as a search filter looks values up."""
    entity, moved = selectors.entity_at(kind, slug.lower())
    if entity is None:
        field = KIND_FILTERS[kind]
        found = look_up({field: {slug}}).get((field, slug))
        if found is not None:
            entity, moved = selectors.entity_at(ENTITY_FILTERS[found.field], found.slug)
    return entity, moved or (entity is not None and entity.slug != slug)


def entity_page(entity: Entity) -> EntityPage:
    """One search for the entity (timeline, facets within it, the latest articles), the
    names of what it is mentioned with (one query), its aliases (one query)."""
    field = KIND_FILTERS[entity.kind]
    params = SearchParams(include={field: (entity.slug,)})
    left_out = _left_out(entity)
    response = search.search_articles(
        search.SearchRequest(
            require={field: (entity.slug,)},
            sort="newest",
            per_page=LATEST,
            facets=True,
            timeline="auto",
            # What the page lists: the most mentioned of each kind, the top outlets.
            facet_fields=(*ENTITY_FILTERS, "source"),
            facet_top={
                **{name: MENTIONED_WITH + len(left_out) for name in ENTITY_FILTERS},
                "source": OUTLETS,
            },
            facet_values={field: tuple(left_out)},
        )
    )
    country = _country(entity)
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
        namesakes=[
            Namesake(other, entity_url(other.kind, other.slug))
            for other in selectors.namesakes(entity)
        ],
    )


def _left_out(entity: Entity) -> set[str]:
    """Values not listed as mentioned with it: itself, and a place's own country."""
    own_country = selectors.country_places().get(entity.country) if entity.country else None
    if own_country and entity.kind == Entity.Kind.PLACE:
        return {entity.slug, own_country.slug}
    return {entity.slug}


def _mentioned_with(params, own_field, facets, left_out: set[str]) -> list[MentionGroup]:
    """The most mentioned of each kind, with how many there are and the page of them all
    (the entity itself, and a place's own country, left out of its kind)."""
    groups = []
    for name in ENTITY_FILTERS:
        counts = facets.get(name) or search.FacetCounts(())
        skipped = left_out if name == own_field else set()
        top = [fc for fc in counts[: MENTIONED_WITH + len(skipped)] if fc.value not in skipped]
        total = counts.distinct - len(counts.counts_for(skipped) if skipped else ())
        values = _mentioned(params, own_field, name, top[:MENTIONED_WITH])
        more = _mentions_url(params, name) if total > len(values) else ""
        label = FILTER_LABELS[name][1].capitalize()
        groups.append(MentionGroup(name, label, values, total, more))
    return groups


def _mentioned(params: SearchParams, own_field: str, name: str, counts) -> list[Mentioned]:
    """Each value with its count and the search for articles naming both."""
    kind = ENTITY_FILTERS[name]
    names = selectors.entity_names({kind: [fc.value for fc in counts]})
    mark = "+" if name == own_field else ""  # one filter: required as well, not "or"
    return [
        Mentioned(
            fc.value,
            names.get((kind, fc.value), fc.value),
            fc.count,
            search_url(params.with_value(name, f"{mark}{fc.value}")),
            entity_url(kind, fc.value),
        )
        for fc in counts
    ]


def _mentions_url(params: SearchParams, name: str) -> str:
    """The page listing every place (organization, person) mentioned with the entity."""
    field, slug = next((f, v[0]) for f, v in params.include.items())
    return mentions_url(ENTITY_FILTERS[field], slug, name)


def mentions_url(kind: str, slug: str, field: str, page: int = 1, fmt: str = "html") -> str:
    """/places/iraq/with/people/ (``field`` the filter listed), ``?page=2`` after the first,
    ``format=json`` last."""
    url = f"{entity_url(kind, slug)}with/{KIND_PATHS[ENTITY_FILTERS[field]]}/"
    pairs = [("page", str(page))] if page > 1 else []
    pairs += [("format", fmt)] if fmt != "html" else []
    return url + ("?" + urlencode(pairs) if pairs else "")


@dataclass
class MentionsPage:
    """Every value of one kind mentioned with an entity, most often first, a page of them."""

    entity: Entity
    field: str  # the filter listed ("place", "org", "person")
    values: list[Mentioned]
    total: int  # values of that kind in all
    page: int
    num_pages: int
    entity_page: str

    @property
    def label(self) -> str:
        return FILTER_LABELS[self.field][1]

    @property
    def first_number(self) -> int:
        return (self.page - 1) * MENTIONED_PER_PAGE + 1

    def page_url(self, page: int, fmt: str = "html") -> str:
        return mentions_url(self.entity.kind, self.entity.slug, self.field, page, fmt)

    @property
    def page_links(self) -> list[tuple[int, str]]:
        """Pages around this one, the first and the last."""
        near = {1, self.num_pages, *range(max(1, self.page - 2), self.page + 3)}
        return [(n, self.page_url(n)) for n in sorted(near) if n <= self.num_pages]

    @property
    def page_url_prev(self) -> str:
        return self.page_url(self.page - 1)

    @property
    def page_url_next(self) -> str:
        return self.page_url(self.page + 1)

    @property
    def json_url(self) -> str:
        return self.page_url(self.page, "json")


def mentions_page(entity: Entity, field: str, page: int) -> MentionsPage:
    """One search for the entity, its facet of ``field`` sliced to a page (past the last
    page: the last one)."""
    own_field = KIND_FILTERS[entity.kind]
    params = SearchParams(include={own_field: (entity.slug,)})
    response = search.search_articles(
        search.SearchRequest(
            require={own_field: (entity.slug,)}, per_page=0, facets=True, facet_fields=(field,)
        )
    )
    left_out = _left_out(entity) if field == own_field else set()
    counts = [fc for fc in response.facets.get(field, ()) if fc.value not in left_out]
    num_pages = max(1, -(-len(counts) // MENTIONED_PER_PAGE))
    page = min(page, num_pages)
    start = (page - 1) * MENTIONED_PER_PAGE
    values = _mentioned(params, own_field, field, counts[start : start + MENTIONED_PER_PAGE])
    return MentionsPage(
        entity, field, values, len(counts), page, num_pages, entity_url(entity.kind, entity.slug)
    )


def mentions_json(page: MentionsPage, absolute_uri: AbsoluteURI) -> dict:
    links = {
        "self": absolute_uri(page.json_url),
        "html": absolute_uri(page.page_url(page.page)),
        "entity": absolute_uri(page.entity_page),
    }
    if page.page > 1:
        links["prev"] = absolute_uri(page.page_url(page.page - 1, "json"))
    if page.page < page.num_pages:
        links["next"] = absolute_uri(page.page_url(page.page + 1, "json"))
    return {
        "entity": {"kind": page.entity.kind, "slug": page.entity.slug, "name": page.entity.name},
        "field": page.field,
        "total": page.total,
        "page": page.page,
        "pages": page.num_pages,
        "per_page": MENTIONED_PER_PAGE,
        "values": [
            {
                "slug": m.slug,
                "name": m.name,
                "count": m.count,
                "search": absolute_uri(m.url),
                "page": absolute_uri(m.page),
            }
            for m in page.values
        ],
        "links": links,
    }


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
        "description": entity.description,
        "profile": entity.profile,
        "namesakes": [
            {
                "kind": n.entity.kind,
                "slug": n.entity.slug,
                "name": n.entity.name,
                "description": n.entity.description,
                "page": absolute_uri(n.url),
            }
            for n in page.namesakes
        ],
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
        # How many of each kind in all, and the paged list of them (JSON too: ?format=json).
        "mentioned_with_all": {
            group.field: {
                "total": group.total,
                "url": absolute_uri(
                    group.more_url or mentions_url(entity.kind, entity.slug, group.field)
                ),
            }
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
                "story": a.story_id,
            }
            for a in page.latest
        ],
        "links": {
            "html": absolute_uri(page.url),
            "search": absolute_uri(page.search_url),
        },
    }
