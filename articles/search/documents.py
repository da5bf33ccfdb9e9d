"""The haystack index for articles: what an article's search document holds.

haystack finds it through articles/search_indexes.py. Read through articles.search only.

Documents are built in bulk (`build_documents`): a few queries per thousand articles instead
of a prefetch per object, which is what made stock `update_index` crawl. The full text comes
from the template `search/indexes/articles/article_text.txt`, as in haystack's own example
(compiled once, rendered with plain values: about 40 µs an article). `full_prepare` still
works one object at a time for haystack's own code paths.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace

from django.template.loader import get_template
from django.utils.text import slugify
from haystack import indexes
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import SkipDocument

from ..extraction.names import fold_text
from ..models import Article, Authorship, Entity, EntityAlias, Mention
from .vocabulary import DATES_INFERRED, DATES_PUBLISHED, FILTER_GROUPS, UNDATED, FilterGroup

CHUNK = 1000
TEXT_TEMPLATE = "search/indexes/articles/article_text.txt"


# One keyword value per slug for each filter group (faceted=True adds the `<field>_exact` field
# facets use). MultiValueField even for single values: a single-valued faceted CharField is
# stemmed.
FilterFields = type(
    "FilterFields",
    (indexes.SearchIndex,),
    {
        "__module__": __name__,
        "__doc__": "The index fields of articles.search.vocabulary.FILTER_GROUPS, one each.",
        **{group.field: indexes.MultiValueField(faceted=True) for group in FILTER_GROUPS},
    },
)


class ArticleIndex(FilterFields, indexes.Indexable):
    # Folded text from TEXT_TEMPLATE: headline twice (weighted above the body), caption,
    # section, body, entity names and aliases. Rendered in bulk by build_documents.
    text = indexes.CharField(document=True, use_template=True, template_name=TEXT_TEMPLATE)
    # The same text, its words not stemmed: exact forms (=word, "phrases", word*). On a
    # cluster: a text type like `text`'s without the stemmer (same positions).
    text_unstemmed = indexes.CharField(use_template=True, template_name=TEXT_TEMPLATE)
    # headline: searches; its unstemmed words are also the "did you mean" vocabulary.
    headline = indexes.CharField(model_attr="headline")
    headline_unstemmed = indexes.CharField(model_attr="headline")
    article_id = indexes.IntegerField(model_attr="id")
    # The date the archive files the article under (Article.date: stated, inferred or an
    # editor's; ``dates`` says which), what sorting, date filters and the timeline use.
    published = indexes.DateField(model_attr="date", null=True)
    updated_at = indexes.DateTimeField(model_attr="updated_at")
    # The filter groups' fields come from FilterFields, their values from DOCUMENT_VALUES
    # (``authors``: author slugs, for the author filter and `author:` searches).

    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return self.get_model().objects.filter(is_published=True)

    def get_updated_field(self):
        return "updated_at"

    # haystack's per-object path (update_index on a generic backend, tests) --------------
    def full_prepare(self, obj):
        prepared = getattr(obj, "_search_document", None)
        if prepared is not None:
            return dict(prepared)
        documents = list(self.build_documents([obj.pk]))
        if not documents:
            raise SkipDocument
        self.prepared_data = documents[0]
        return dict(self.prepared_data)

    def attach_documents(self, objects: Iterable) -> list:
        """Build the documents of ``objects`` in bulk and hang them on the objects."""
        objects = list(objects)
        by_id = {d["article_id"]: d for d in self.build_documents([o.pk for o in objects])}
        for obj in objects:
            obj._search_document = by_id.get(obj.pk)
        return [o for o in objects if o._search_document is not None]

    # bulk path ---------------------------------------------------------------------------
    def build_documents(self, article_ids: Iterable[int]) -> Iterator[dict]:
        """Index documents (haystack field names) for the published articles among the ids."""
        ids = sorted(set(int(i) for i in article_ids))
        entities = _EntityCache()
        template = get_template(TEXT_TEMPLATE)
        for start in range(0, len(ids), CHUNK):
            yield from self._build_chunk(ids[start : start + CHUNK], entities, template)

    def _build_chunk(self, ids: list[int], entities: _EntityCache, template) -> Iterator[dict]:
        rows = list(
            Article.objects.filter(id__in=ids, is_published=True)
            .order_by("id")
            .values(
                "id",
                "headline",
                "body",
                "caption",
                "section",
                "date",
                "date_source",
                "updated_at",
                "source__slug",
            )
        )
        if not rows:
            return
        mentions = _mentions_of([r["id"] for r in rows])
        entities.load({e for ids_ in mentions.values() for e in ids_})
        authors = _authors_of([r["id"] for r in rows])
        ct = "articles.article"
        for row in rows:
            facets, names = _facets(row, mentions.get(row["id"], ()), entities, authors)
            # haystack's template convention (`object`), with plain values instead of a model
            # instance: no query per article.
            text = template.render(
                {
                    "object": SimpleNamespace(
                        headline=row["headline"],
                        caption=row["caption"],
                        section=row["section"],
                        body=row["body"],
                        entity_names=list(dict.fromkeys(names)),
                    )
                }
            )
            folded, headline = fold_text(text), fold_text(row["headline"])
            doc = {
                ID: f"{ct}.{row['id']}",
                DJANGO_CT: ct,
                DJANGO_ID: str(row["id"]),
                "text": folded,
                "text_unstemmed": folded,
                "headline": headline,
                "headline_unstemmed": headline,
                "article_id": row["id"],
                "published": row["date"],
                "updated_at": row["updated_at"],
            }
            for name, values in facets.items():
                doc[name] = values
                doc[f"{name}_exact"] = values
            yield doc

    def build_facets(self, article_ids: Iterable[int]) -> Iterator[tuple[int, dict[str, list]]]:
        """(article id, filter field -> values) of the published articles among the ids, as
        their documents would carry them now; no text rendered (check_index compares them)."""
        ids = sorted(set(int(i) for i in article_ids))
        entities = _EntityCache()
        for start in range(0, len(ids), CHUNK):
            rows = list(
                Article.objects.filter(id__in=ids[start : start + CHUNK], is_published=True)
                .order_by("id")
                .values("id", "section", "date", "date_source", "source__slug")
            )
            mentions = _mentions_of([r["id"] for r in rows])
            entities.load({e for ids_ in mentions.values() for e in ids_})
            authors = _authors_of([r["id"] for r in rows])
            for row in rows:
                yield row["id"], _facets(row, mentions.get(row["id"], ()), entities, authors)[0]


def _mentions_of(article_ids: list[int]) -> dict[int, list[int]]:
    mentions: dict[int, list[int]] = defaultdict(list)
    for article_id, entity_id in Mention.objects.filter(
        article_id__in=article_ids, suppressed=False
    ).values_list("article_id", "entity_id"):
        mentions[article_id].append(entity_id)
    return mentions


def _authors_of(article_ids: list[int]) -> dict[int, list[str]]:
    """Article id -> its authors' slugs, in byline order."""
    authors: dict[int, list[str]] = defaultdict(list)
    for article_id, slug in (
        Authorship.objects.filter(article_id__in=article_ids)
        .order_by("article_id", "position")
        .values_list("article_id", "author__slug")
    ):
        authors[article_id].append(slug)
    return authors


@dataclass(frozen=True)
class _Facts:
    """What an article's filter values are read from: its row, entities and authors."""

    row: dict
    entities: list[_Entity]
    authors: list[str]


def _facets(
    row: dict, entity_ids, entities: _EntityCache, authors: dict[int, list[str]]
) -> tuple[dict[str, list], list]:
    """One article's index field -> values of every filter group, and the names (with
    aliases) its text carries."""
    known = [e for e in map(entities.get, entity_ids) if e is not None]
    facts = _Facts(row, known, authors.get(row["id"], []))
    facets = {
        group.field: list(dict.fromkeys(DOCUMENT_VALUES[group.values](group, facts)))
        for group in FILTER_GROUPS
    }
    return facets, [name for entity in known for name in entity.names]


def _entity_values(group: FilterGroup, article: _Facts) -> Iterator[str]:
    """The slugs of its entities of the group's kind; a place's country's too (a search for
    a country finds the places in it)."""
    for entity in article.entities:
        if entity.kind == group.kind:
            yield entity.slug
            if entity.country_slug:
                yield entity.country_slug


def _source_values(group: FilterGroup, article: _Facts) -> list[str]:
    return [article.row["source__slug"]] if article.row["source__slug"] else []


def _section_values(group: FilterGroup, article: _Facts) -> list[str]:
    slug = slugify(article.row["section"]) if article.row["section"] else ""
    return [slug] if slug else []


def _year_values(group: FilterGroup, article: _Facts) -> list[str]:
    day = article.row["date"]
    return [str(day.year) if day else UNDATED]


def _date_kind_values(group: FilterGroup, article: _Facts) -> list[str]:
    """ "published" (stated by its source or an editor) or "inferred"; none if undated."""
    if not article.row["date"]:
        return []
    stated = article.row["date_source"] in Article.STATED_DATES
    return [DATES_PUBLISHED if stated else DATES_INFERRED]


def _author_values(group: FilterGroup, article: _Facts) -> list[str]:
    return article.authors


# FilterGroup.values -> an article's values of such a group.
DOCUMENT_VALUES: dict[str, Callable[[FilterGroup, _Facts], Iterable[str]]] = {
    "entity": _entity_values,
    "source": _source_values,
    "section": _section_values,
    "year": _year_values,
    "date_kind": _date_kind_values,
    "author": _author_values,
}


class _Entity:
    __slots__ = ("kind", "slug", "names", "country_slug")

    def __init__(self, kind, slug, names, country_slug):
        self.kind, self.slug, self.names, self.country_slug = kind, slug, names, country_slug


class _EntityCache:
    """Entities with their aliases and (places) the slug of their country, loaded in bulk."""

    def __init__(self) -> None:
        self._entities: dict[int, _Entity] = {}
        self._countries: dict[str, str] | None = None

    def get(self, entity_id: int) -> _Entity | None:
        return self._entities.get(entity_id)

    def load(self, entity_ids: set[int]) -> None:
        missing = sorted(entity_ids - self._entities.keys())
        if not missing:
            return
        if self._countries is None:
            self._countries = {}
            for code, slug in (
                Entity.objects.filter(kind="place", feature="country")
                .exclude(country="")
                .order_by("id")
                .values_list("country", "slug")
            ):
                self._countries.setdefault(code, slug)
        for start in range(0, len(missing), CHUNK):
            chunk = missing[start : start + CHUNK]
            aliases: dict[int, list[str]] = defaultdict(list)
            for entity_id, name in EntityAlias.objects.filter(entity_id__in=chunk).values_list(
                "entity_id", "name"
            ):
                aliases[entity_id].append(name)
            for e in Entity.objects.filter(id__in=chunk).values(
                "id", "kind", "slug", "name", "country", "feature"
            ):
                country_slug = ""
                if e["kind"] == "place" and e["country"] and e["feature"] != "country":
                    country_slug = self._countries.get(e["country"], "")
                self._entities[e["id"]] = _Entity(
                    e["kind"], e["slug"], [e["name"], *aliases.get(e["id"], ())], country_slug
                )
