"""Database reads for the reader's pages: slug lookups, names for facets, browse lists.

Reads only; what a page shows is assembled in articles.pages.

Pages must stay cheap on 65,000 articles (issue 3, "Speed"): names for every facet value of a
page come from one query; aggregate counts for the home and browse pages are cached and
recomputed only when the archive changes (the newest ``updated_at`` and id, plus a shared
version editors' corrections bump: ``catalog_changed``).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pycountry
from django.db.models import Count, Prefetch, Q
from django.utils.text import slugify

from .aggregate_cache import cached_until_changed
from .extraction.names import fold_text
from .models import (
    Article,
    Author,
    Authorship,
    Entity,
    EntityAlias,
    EntityRedirect,
    Mention,
    Source,
    SourceRedirect,
    Story,
)


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    """One line of a browse page: an entity or outlet and how many articles name it."""

    slug: str
    name: str
    count: int
    country: str = ""
    feature: str = ""
    letter: str = dataclasses.field(init=False)  # A–Z, "#" for anything else
    count_text: str = dataclasses.field(init=False)  # "1,234", formatted once rather than per page

    def __post_init__(self):
        first = self.name[:1].upper()
        object.__setattr__(self, "letter", first if "A" <= first <= "Z" else "#")
        object.__setattr__(self, "count_text", f"{self.count:,}")


@dataclass(frozen=True)
class Directory:
    """Every entry of one browse page, A–Z, with the most named ones precomputed."""

    entries: list[DirectoryEntry]
    by_count: list[DirectoryEntry]
    letters: list[str]

    @classmethod
    def of(cls, entries: list[DirectoryEntry]) -> Directory:
        entries = sorted(entries, key=lambda e: (e.name.casefold(), e.slug))
        by_count = sorted(entries, key=lambda e: (-e.count, e.name.casefold()))
        letters = sorted({e.letter for e in entries}, key=lambda c: (c == "#", c))
        return cls(entries, by_count, letters)

    def largest(self, limit: int = 10) -> list[DirectoryEntry]:
        return self.by_count[:limit]


def resolve_entity_slugs(
    slugs_by_kind: dict[str, Iterable[str]],
) -> dict[tuple[str, str], tuple[str, str, str]]:
    """(kind, slug) -> (kind, canonical slug, name) for slugs that exist or used to (renamed,
    merged, or refiled under another kind: ``person/houthis`` is ``organization/houthis``).

    One query for current slugs, a second only when some were not found.
    """
    wanted = {kind: set(slugs) for kind, slugs in slugs_by_kind.items() if slugs}
    if not wanted:
        return {}
    condition = Q()
    for kind, slugs in wanted.items():
        condition |= Q(kind=kind, slug__in=slugs)
    found = {
        (kind, slug): (kind, slug, name)
        for kind, slug, name in Entity.objects.filter(condition).values_list("kind", "slug", "name")
    }
    missing = {kind: {s for s in slugs if (kind, s) not in found} for kind, slugs in wanted.items()}
    condition = Q()
    for kind, slugs in missing.items():
        if slugs:
            condition |= Q(kind=kind, old_slug__in=slugs)
    if condition:
        rows = EntityRedirect.objects.filter(condition).values_list(
            "kind", "old_slug", "entity__kind", "entity__slug", "entity__name"
        )
        for kind, old, entity_kind, slug, name in rows:
            found[(kind, old)] = (entity_kind, slug, name)
    return found


def entities_by_key(
    keys_by_kind: dict[str, Iterable[str]],
) -> dict[tuple[str, str], tuple[str, str]]:
    """(kind, key) -> (canonical slug, name) for folded names (articles.extraction.names.
    name_key) that are an entity's name or one of its other names ("iaea" is an alias of the
    International Atomic Energy Agency). Two queries at most; an entity's own name wins."""
    wanted = {kind: {k for k in keys if k} for kind, keys in keys_by_kind.items()}
    condition = Q()
    for kind, keys in wanted.items():
        if keys:
            condition |= Q(kind=kind, key__in=keys)
    if not condition:
        return {}
    found = {
        (kind, key): (slug, name)
        for kind, key, slug, name in Entity.objects.filter(condition).values_list(
            "kind", "key", "slug", "name"
        )
    }
    rows = EntityAlias.objects.filter(condition).values_list(
        "kind", "key", "entity__kind", "entity__slug", "entity__name"
    )
    for kind, key, entity_kind, slug, name in rows:
        if entity_kind == kind:  # an alias's kind follows its entity's
            found.setdefault((kind, key), (slug, name))
    return found


def _of_kinds(slugs_by_kind: dict[str, Iterable[str]]) -> Q:
    """Entities with these current slugs of these kinds (an empty Q: none asked)."""
    condition = Q()
    for kind, slugs in slugs_by_kind.items():
        slugs = list(slugs)
        if slugs:
            condition |= Q(kind=kind, slug__in=slugs)
    return condition


def entity_names(slugs_by_kind: dict[str, Iterable[str]]) -> dict[tuple[str, str], str]:
    """(kind, slug) -> name for current slugs of several kinds, in one query."""
    return {key: name for key, (name, _) in entity_labels(slugs_by_kind).items()}


def entity_labels(
    slugs_by_kind: dict[str, Iterable[str]],
) -> dict[tuple[str, str], tuple[str, str]]:
    """(kind, slug) -> (name, description) for current slugs of several kinds, in one query
    (a search page names its values and says who they are with the same rows)."""
    condition = _of_kinds(slugs_by_kind)
    if not condition:
        return {}
    rows = Entity.objects.filter(condition).values_list("kind", "slug", "name", "description")
    return {(kind, slug): (name, description) for kind, slug, name, description in rows}


def namesakes(entity: Entity) -> list[Entity]:
    """Other entities shown under the same name (another kind, or a name differing only in
    case or punctuation), to be told apart by their descriptions."""
    return list(
        Entity.objects.filter(key=entity.key).exclude(pk=entity.pk).order_by("kind", "pk")[:10]
    )


def entity_at(kind: str, slug: str) -> tuple[Entity | None, bool]:
    """(the entity a slug names, whether the slug is an old one: renamed or merged away)."""
    entity = Entity.objects.filter(kind=kind, slug=slug).first()
    if entity is not None:
        return entity, False
    moved = EntityRedirect.objects.filter(kind=kind, old_slug=slug).select_related("entity").first()
    return (moved.entity, True) if moved is not None else (None, False)


def other_names(entity: Entity) -> list[str]:
    """The entity's aliases (surface forms, acronyms, merged names) but its own name, A–Z."""
    names = EntityAlias.objects.filter(entity=entity).values_list("name", flat=True)
    own = entity.name.casefold()
    return sorted({n for n in names if n.casefold() != own}, key=str.casefold)


def source_names() -> dict[str, str]:
    """Outlet slug -> name. A handful of rows, cached."""
    return cached_until_changed(
        "source-names", lambda: dict(Source.objects.values_list("slug", "name"))
    )


def resolve_source_slugs(slugs: Iterable[str]) -> dict[str, str]:
    """Outlet slug -> its current slug, for slugs that exist or used to (the slug changed).

    Current slugs come from the cached names; a query only when some were not found.
    """
    current = source_names()
    found = {slug: slug for slug in slugs if slug in current}
    missing = set(slugs) - found.keys()
    if missing:
        found.update(
            SourceRedirect.objects.filter(old_slug__in=missing).values_list(
                "old_slug", "source__slug"
            )
        )
    return found


def source_spellings() -> dict[str, str]:
    """Outlet names, slugs and web domains with everything but letters and digits left out
    ("presstv" for "Press TV", "press-tv" and presstv.ir) -> the outlet's slug; a spelling
    two outlets share is left out. Cached."""

    def compute():
        seen: dict[str, set[str]] = {}
        for slug, name, domains in Source.objects.values_list("slug", "name", "domains"):
            spellings = {name, slug}
            for domain in domains or []:
                host = str(domain).lower().removeprefix("www.")
                spellings |= {host, host.split(".")[0]}
            for spelling in spellings:
                compact = compact_name(spelling)
                if compact:
                    seen.setdefault(compact, set()).add(slug)
        return {compact: slugs.pop() for compact, slugs in seen.items() if len(slugs) == 1}

    return cached_until_changed("source-spellings", compute)


def compact_name(text: str) -> str:
    """A name folded to its letters and digits: "Press TV", "press-tv", "PressTV" -> "presstv"."""
    return _NOT_ALNUM.sub("", fold_text(text))


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def archive_years() -> tuple[list[str], bool]:
    """(the years of published articles, newest first; whether some have no date). Cached."""

    def compute():
        published = Article.objects.filter(is_published=True)
        years = [str(day.year) for day in published.dates("published", "year", order="DESC")]
        return years, published.filter(published__isnull=True).exists()

    return cached_until_changed("archive-years", compute, stale_seconds=10, shared=True)


def section_names() -> dict[str, str]:
    """Section slug (as the search index stores it) -> the section's name as printed."""

    def compute():
        names: dict[str, str] = {}
        for section in (
            Article.objects.filter(is_published=True)
            .exclude(section="")
            .values_list("section", flat=True)
            .distinct()
        ):
            slug = slugify(section)
            if slug:
                names.setdefault(slug, section)
        return names

    return cached_until_changed("section-names", compute, stale_seconds=10, shared=True)


def entity_directory(kind: str) -> Directory:
    """Every entity of one kind named in a published article, with its article count, A–Z.

    A country counts the articles naming it or any place in it, as its search link finds.
    """

    def compute():
        counts = entity_article_counts()
        if kind == Entity.Kind.PLACE:
            counts = {**counts, **country_roll_up_counts()}
        rows = Entity.objects.filter(kind=kind).values_list(
            "id", "slug", "name", "country", "feature"
        )
        return Directory.of(
            [
                DirectoryEntry(slug, name, counts[pk], country, feature)
                for pk, slug, name, country, feature in rows
                if pk in counts
            ]
        )

    return cached_until_changed(f"directory:{kind}", compute, stale_seconds=120, shared=True)


def entity_article_counts() -> dict[int, int]:
    """Entity id (every kind) -> published articles naming it, editors' removals left out.

    One pass over the mentions for the three browse lists, without joining the articles:
    the mentions of unpublished articles (few) are counted apart and taken off. Joining
    every mention to its article and entity took 20 s at 100,000 articles, this 3 s.
    """

    def compute():
        counts = dict(_mentions_per_entity(Mention.objects.filter(suppressed=False)))
        for entity_id, n in _mentions_per_entity(_unpublished_mentions()):
            counts[entity_id] -= n
            if not counts[entity_id]:
                del counts[entity_id]
        return counts

    return cached_until_changed("entity-counts", compute, stale_seconds=120, shared=True)


def _mentions_per_entity(mentions):
    # One mention per (article, entity): mentions counted are articles.
    return mentions.values("entity_id").annotate(n=Count("id")).values_list("entity_id", "n")


def _unpublished_mentions():
    unpublished = Article.objects.filter(is_published=False).values("id")
    return Mention.objects.filter(suppressed=False, article_id__in=unpublished)


def warm_up() -> None:
    """Compute the browse lists before a new worker serves readers (about a second each at
    65,000 articles). Never raises: a worker with cold caches is better than no worker."""
    try:
        for kind in (Entity.Kind.PLACE, Entity.Kind.ORGANIZATION, Entity.Kind.PERSON):
            entity_directory(kind)
        source_directory()
        section_names()  # every search page names its sections: 0.6 s at 54,000 articles
        country_places()
    except Exception:  # noqa: BLE001 - e.g. the database is not migrated yet
        logging.getLogger(__name__).warning("browse caches could not be warmed", exc_info=True)


def country_roll_up_counts() -> dict[int, int]:
    """Country entity id -> published articles naming the country or any place in it.

    Mirrors the index (articles.search.documents): each place is filed under its country too,
    the country being the first place entity with feature "country" and that ISO code, so
    ``?place=<country>`` finds exactly these articles.
    """
    country_of: dict[str, int] = {}
    for pk, code in (
        Entity.objects.filter(kind=Entity.Kind.PLACE, feature="country")
        .exclude(country="")
        .order_by("id")
        .values_list("id", "country")
    ):
        country_of.setdefault(code, pk)
    if not country_of:
        return {}

    def articles_per_country(mentions):
        return (
            mentions.filter(entity__kind=Entity.Kind.PLACE, entity__country__in=list(country_of))
            .filter(~Q(entity__feature="country") | Q(entity_id__in=list(country_of.values())))
            .values("entity__country")
            .annotate(n=Count("article_id", distinct=True))
            .values_list("entity__country", "n")
        )

    # Without joining the articles, then the unpublished ones (few) taken off, as above.
    counts = dict(articles_per_country(Mention.objects.filter(suppressed=False)))
    for code, n in articles_per_country(_unpublished_mentions()):
        counts[code] -= n
    return {country_of[code]: n for code, n in counts.items() if n}


@dataclass(frozen=True, slots=True)
class CountryPlace:
    """The place entity standing for a country: its slug files every place in the country."""

    code: str  # ISO 3166-1 alpha-2
    slug: str
    name: str


def country_places() -> dict[str, CountryPlace]:
    """ISO alpha-2 code -> the country's place entity, the first with that code, as the index
    files places under their country (articles.search.documents). Cached."""

    def compute():
        out: dict[str, CountryPlace] = {}
        for code, slug, name in (
            Entity.objects.filter(kind=Entity.Kind.PLACE, feature="country")
            .exclude(country="")
            .order_by("id")
            .values_list("country", "slug", "name")
        ):
            out.setdefault(code, CountryPlace(code, slug, name))
        return out

    return cached_until_changed("country-places", compute, shared=True)


def source_directory() -> Directory:
    """Every outlet with its number of published articles, A–Z."""

    def compute():
        rows = Source.objects.annotate(
            n=Count("articles", filter=Q(articles__is_published=True))
        ).values_list("slug", "name", "n")
        return Directory.of([DirectoryEntry(slug, name, n) for slug, name, n in rows if n])

    return cached_until_changed("directory:source", compute, stale_seconds=120, shared=True)


def filter_directory(
    entries: list[DirectoryEntry], *, letter: str = "", query: str = ""
) -> list[DirectoryEntry]:
    """Entries starting with ``letter`` ("#" for digits and others) or containing ``query``."""
    if query:
        folded = query.casefold()
        entries = [e for e in entries if folded in e.name.casefold() or folded in e.slug]
    if letter:
        entries = [e for e in entries if e.letter == letter]
    return entries


# What a page needs to show an article's date and how it was obtained.
DATE_COLUMNS = ("published", "date", "date_source", "date_precision", "date_evidence")


def author_directory() -> Directory:
    """Every author of a published article, with their number of articles, A–Z."""

    def compute():
        rows = Author.objects.annotate(
            n=Count("authorships", filter=Q(authorships__article__is_published=True))
        ).values_list("slug", "name", "n")
        return Directory.of([DirectoryEntry(slug, name, n) for slug, name, n in rows if n])

    return cached_until_changed("directory:authors", compute, stale_seconds=120, shared=True)


def authors_matching(slugs: Iterable[str], keys: Iterable[str]) -> list[tuple[str, str, str]]:
    """(slug, key, name) of the authors whose slug is among ``slugs`` or whose folded name
    (Author.key) is among ``keys``; one query."""
    slugs, keys = {s for s in slugs if s}, {k for k in keys if k}
    if not slugs and not keys:
        return []
    return list(
        Author.objects.filter(Q(slug__in=slugs) | Q(key__in=keys)).values_list(
            "slug", "key", "name"
        )
    )


def author_names(slugs: Iterable[str]) -> dict[str, str]:
    """Author slug -> name, in one query."""
    slugs = set(slugs)
    if not slugs:
        return {}
    return dict(Author.objects.filter(slug__in=slugs).values_list("slug", "name"))


def author_articles(author: Author):
    """An author's published articles, newest first (a queryset to page through)."""
    return (
        _with_authors(Article.objects.filter(is_published=True, authorships__author=author))
        .select_related("source")
        .only("id", "slug", "headline", *DATE_COLUMNS, "section", "source__name", "source__slug")
        .order_by("-date", "-id")
    )


def latest_articles(limit: int = 20) -> list[Article]:
    return list(
        _with_authors(Article.objects.filter(is_published=True))
        .select_related("source")
        .only(
            "id",
            "slug",
            "headline",
            *DATE_COLUMNS,
            "section",
            "source__name",
            "source__slug",
        )
        .order_by("-date", "-id")[:limit]
    )


def article_count() -> int:
    return cached_until_changed(
        "article-count",
        lambda: Article.objects.filter(is_published=True).count(),
        stale_seconds=10,
        shared=True,
    )


def _with_authors(queryset):
    return queryset.prefetch_related(
        Prefetch("authorships", queryset=Authorship.objects.select_related("author"))
    )


def articles_for_hits(ids: list[int]) -> dict[int, Article]:
    """The rows behind one page of search hits, without their bodies."""
    return (
        _with_authors(Article.objects.filter(id__in=ids, is_published=True))
        .select_related("source")
        .only(
            "id",
            "slug",
            "headline",
            *DATE_COLUMNS,
            "section",
            "url",
            "updated_at",  # the feed's <updated>
            "story_id",
            "source__name",
            "source__slug",
        )
        .in_bulk()
    )


def article_with_mentions(pk: int) -> tuple[Article, list[Mention]] | None:
    article = (
        _with_authors(Article.objects.filter(pk=pk, is_published=True))
        .select_related("source")
        .first()
    )
    if article is None:
        return None
    mentions = list(
        article.mentions.filter(suppressed=False).select_related("entity").order_by("-count")
    )
    return article, mentions


def articles_in_order(ids: list[int]) -> list[Article]:
    by_id = articles_for_hits(ids)
    return [by_id[i] for i in ids if i in by_id]


def country_names(codes: Iterable[str]) -> dict[str, str]:
    """ISO alpha-2 code -> the country entity's name, falling back to pycountry's."""
    codes = {c for c in codes if c}
    names = dict(
        Entity.objects.filter(kind=Entity.Kind.PLACE, feature="country", country__in=codes)
        .order_by("id")
        .values_list("country", "name")
    )
    missing = codes - names.keys()
    if missing:
        for code in missing:
            found = pycountry.countries.get(alpha_2=code)
            names[code] = getattr(found, "common_name", None) or (found.name if found else code)
    return names


def articles_for_export(ids: list[int]) -> dict[int, Article]:
    """The rows a CSV export writes for these ids (published only), without their bodies."""
    return (
        _with_authors(Article.objects.filter(id__in=ids, is_published=True))
        .select_related("source")
        .only("id", "slug", "headline", *DATE_COLUMNS, "section", "url", "source__name")
        .in_bulk()
    )


def entity_names_by_article(ids: list[int]) -> dict[int, dict[str, list[str]]]:
    """Article id -> entity kind -> names, most mentioned first (editors' removals left out)."""
    names: dict[int, dict[str, list[str]]] = {}
    for article_id, kind, name in (
        Mention.objects.filter(article_id__in=ids, suppressed=False)
        .order_by("-count", "entity__name")
        .values_list("article_id", "entity__kind", "entity__name")
    ):
        names.setdefault(article_id, {}).setdefault(kind, []).append(name)
    return names


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def example_sentences(entity: Entity, limit: int = 2) -> list[str]:
    """Sentences of published articles naming the entity, as evidence for an editor."""
    mentions = (
        Mention.objects.filter(entity=entity, suppressed=False, article__is_published=True)
        .select_related("article")
        .only("surface_forms", "article__headline", "article__body")
        .order_by("-count", "article_id")[: limit * 3]
    )
    out: list[str] = []
    for mention in mentions:
        forms = [f for f in {entity.name, *mention.surface_forms} if len(f) > 1]
        text = f"{mention.article.headline}. {mention.article.body[:20_000]}"
        for sentence in _SENTENCE_END.split(text):
            if any(re.search(rf"(?<!\w){re.escape(f)}(?!\w)", sentence) for f in forms):
                out.append(sentence.strip()[:300])
                break
        if len(out) >= limit:
            break
    return out


# --- stories ---------------------------------------------------------------------------------

STORY_ARTICLE_FIELDS = (
    "id",
    "slug",
    "headline",
    *DATE_COLUMNS,
    "section",
    "story_id",
    "copy_of_id",
    "source__name",
    "source__slug",
)


def stories_by_id(ids: Iterable[int]) -> dict[int, Story]:
    return Story.objects.filter(id__in=set(ids)).in_bulk()


def story_articles(story_ids: Iterable[int], *, limit: int | None = None) -> dict[int, list]:
    """Story id -> its published articles (no bodies), by outlet name, date and id;
    ``limit`` articles at most per story (a search page previews a few)."""
    out: dict[int, list[Article]] = {}
    rows = (
        Article.objects.filter(story_id__in=set(story_ids), is_published=True)
        .select_related("source")
        .only(*STORY_ARTICLE_FIELDS)
        .order_by("source__name", "date", "id")
    )
    for article in rows:
        listed = out.setdefault(article.story_id, [])
        if limit is None or len(listed) < limit:
            listed.append(article)
    return out


def story_entities(story_id: int, limit: int = 12) -> dict[str, list[tuple[Entity, int]]]:
    """Entity kind -> (entity, articles of the story naming it), most named first."""
    rows = (
        Mention.objects.filter(
            article__story_id=story_id, article__is_published=True, suppressed=False
        )
        .values("entity_id")
        .annotate(n=Count("article_id", distinct=True))
        .order_by("-n", "entity_id")
    )
    counts = {r["entity_id"]: r["n"] for r in rows}
    out: dict[str, list[tuple[Entity, int]]] = {kind: [] for kind in Entity.Kind.values}
    for entity in Entity.objects.filter(id__in=counts).order_by("name"):
        out[entity.kind].append((entity, counts[entity.id]))
    return {
        kind: sorted(found, key=lambda pair: (-pair[1], pair[0].name.casefold()))[:limit]
        for kind, found in out.items()
    }
