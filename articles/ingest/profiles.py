"""Who each entity is, as the archive says it: the role words written beside its name, its
country, the years and outlets that name it, in one short description ("secretary of state ·
United States · 2018–2021 · Tehran Times, HuffPost") shown wherever two values could be
confused (entity pages, facet lists, JSON).

resolve_entities recomputes every profile (:func:`update_all`: one pass over the mentions,
one over the articles' text for the role words); an import describes the entities it
creates from their first article (:func:`first_profile`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from django.db.models import Max

from ..extraction.places import gazetteer
from ..extraction.roles import Role, roles_beside
from ..models import Article, Entity, Mention, Source

TEXT_CHARS = 5000  # of each article, read for role words
CHUNK = 2000  # articles read at a time
ROLES_SHOWN = 2
MIN_ROLE_SHARE = 0.5  # a second role is shown when written half as often as the first
FEW_ARTICLES = 5  # below this, a role written once is shown
COUNTRY_SHARE = 0.5  # of the roles naming a country, or of an organization's articles
OUTLETS_SHOWN = 2
MAX_YEAR_RUNS = 3  # "1987, 1996, 2016"; more runs are shown as one span
ROLE_KINDS = ("person", "organization")


class Profile:
    """What the archive says of one entity; role counts only once a role is found."""

    __slots__ = ("articles", "years", "outlets", "roles", "shown", "role_countries")

    def __init__(self, articles: int = 0) -> None:
        self.articles = articles
        self.years: Counter = Counter()
        self.outlets: Counter = Counter()
        self.roles: Counter | None = None  # role key -> times written
        self.shown: dict[str, Counter] = {}
        self.role_countries: Counter = Counter()

    def add_roles(self, roles: Iterable[Role]) -> None:
        for role in roles:
            if self.roles is None:
                self.roles = Counter()
            self.roles[role.key] += 1
            self.shown.setdefault(role.key, Counter())[role.text] += 1
            if role.country:
                self.role_countries[role.country] += 1

    def as_json(self, kind: str, own_country: str, stored_roles=None) -> dict:
        """``stored_roles``: the roles stored before, kept when this profile read none."""
        roles: list[tuple[str, int]] = []
        least = 1 if self.articles < FEW_ARTICLES else 2  # one slip is no role
        for key, n in self._ranked_roles()[:ROLES_SHOWN]:
            if n < least or (roles and n < MIN_ROLE_SHARE * roles[0][1]):
                break
            roles.append((self.shown[key].most_common(1)[0][0], n))
        return {
            "roles": [[text, n] for text, n in roles] if self.roles else (stored_roles or []),
            "country": own_country if kind == "place" else (own_country or self.country()),
            "years": sorted(self.years),
            "outlets": [[name, n] for name, n in self.outlets.most_common(OUTLETS_SHOWN)],
            "articles": self.articles,
        }

    def _ranked_roles(self) -> list[tuple[str, int]]:
        """Most written first; a longer form of a role counts as it ("secretary" written
        alone is "secretary of state" when that is written too)."""
        ranked = (self.roles or Counter()).most_common()
        merged: Counter = Counter()
        for key, n in ranked:
            longer = [k for k, m in ranked if k.startswith(key + " ") and 4 * m >= n]
            merged[max(longer, key=lambda k: self.roles[k]) if longer else key] += n
        return merged.most_common()

    def country(self) -> str:
        """The country its roles name ("Iran's foreign minister"), when they agree."""
        if self.role_countries:
            code, n = self.role_countries.most_common(1)[0]
            if n >= 2 and n >= COUNTRY_SHARE * sum(self.role_countries.values()):
                return code
        return ""


NAMESAKES_SHOWN = 3


def describe(kind: str, feature: str, profile: dict) -> str:
    """The description shown for an entity, from its stored profile. A one-word name its
    articles leave ambiguous says between whom ("may mean George W Bush or George H. W.
    Bush")."""
    parts = []
    namesakes = profile.get("namesakes", ())[:NAMESAKES_SHOWN]
    if namesakes:
        parts.append("may mean " + " or ".join(namesakes))
    if kind == "place" and feature:
        parts.append(feature.replace("-", " "))
    roles = [text for text, _ in profile.get("roles", ())]
    if roles:
        parts.append("; ".join(roles))
    country = country_name(profile.get("country", ""))
    if country and not (kind == "place" and feature == "country"):
        parts.append(country)
    years = year_runs(profile.get("years", ()))
    if years:
        parts.append(years)
    outlets = [name for name, _ in profile.get("outlets", ())]
    if outlets:
        parts.append(", ".join(outlets))
    return " · ".join(parts)[:300]


def country_name(code: str) -> str:
    return gazetteer().country_names.get(code, code) if code else ""


def year_runs(years: Iterable[int]) -> str:
    """ "2018–2021"; "1987, 1996, 2016" when they are apart; one span past three runs."""
    years = sorted(set(years))
    if not years:
        return ""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    if len(runs) > MAX_YEAR_RUNS:
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


# --- the whole archive (resolve_entities) ----------------------------------------------------


def update_all(
    progress: Callable[[int], None] | None = None, namesakes: dict[int, list[str]] | None = None
) -> int:
    """Recompute every entity's profile and description; store those that changed.

    Role words are read again only for entities named in two articles or more: one named
    once keeps what its import read. ``namesakes``: one-word person -> the people its
    articles leave it between (reconcile.short_names.namesakes)."""
    profiles: dict[int, Profile] = defaultdict(Profile)
    _count_articles(profiles)
    people = set(Entity.objects.filter(kind="person").values_list("id", flat=True))
    _read_roles(profiles, people, progress)
    return _store(profiles, namesakes or {})


def _count_articles(profiles: dict[int, Profile]) -> None:
    outlets = dict(Source.objects.values_list("id", "name"))
    rows = Mention.objects.filter(suppressed=False, article__is_published=True).values_list(
        "entity_id", "article__published", "article__source_id"
    )
    for entity_id, published, source_id in rows.iterator(chunk_size=20_000):
        profile = profiles[entity_id]
        profile.articles += 1
        if published:
            profile.years[published.year] += 1
        if source_id in outlets:
            profile.outlets[outlets[source_id]] += 1


def _read_roles(profiles: dict[int, Profile], people: set[int], progress) -> None:
    last = Article.objects.aggregate(last=Max("id"))["last"] or 0
    for start in range(0, last + 1, CHUNK):
        window = {"article_id__gte": start, "article_id__lt": start + CHUNK}
        names: dict[int, list[tuple[int, list[str]]]] = defaultdict(list)
        mentions = Mention.objects.filter(
            suppressed=False, entity__kind__in=ROLE_KINDS, **window
        ).values_list("article_id", "entity_id", "surface_forms")
        for article_id, entity_id, forms in mentions:
            profile = profiles.get(entity_id)
            if profile is not None and profile.articles >= 2:
                names[article_id].append((entity_id, forms))
        texts = Article.objects.filter(
            is_published=True, id__gte=start, id__lt=start + CHUNK
        ).values_list("id", "headline", "body")
        for article_id, headline, body in texts.iterator(chunk_size=500) if names else ():
            text = f"{headline}\n{body[:TEXT_CHARS]}"
            for entity_id, forms in names.get(article_id, ()):
                roles = roles_beside(text, forms, person=entity_id in people)
                profiles[entity_id].add_roles(roles)
        if progress:
            progress(min(CHUNK, last + 1 - start))


STORE_CHUNK = 2000  # entities compared and written at a time


def _store(profiles: dict[int, Profile], namesakes: dict[int, list[str]]) -> int:
    ids = list(Entity.objects.order_by("id").values_list("id", flat=True))
    changed = 0
    for start in range(0, len(ids), STORE_CHUNK):
        rows = Entity.objects.filter(pk__in=ids[start : start + STORE_CHUNK]).values_list(
            "id", "kind", "feature", "country", "description", "profile"
        )
        batch = []
        for pk, kind, feature, country, description, stored in rows:
            profile = profiles.get(pk)
            own = country if kind == "place" else ""
            data = profile.as_json(kind, own, (stored or {}).get("roles")) if profile else {}
            if data and namesakes.get(pk):
                data["namesakes"] = namesakes[pk]
            text = describe(kind, feature, data) if data else ""
            if (text, data) != (description, stored):
                batch.append(Entity(pk=pk, description=text, profile=data))
        # bulk_update: no save signal, no re-index (the description is not in the index)
        Entity.objects.bulk_update(batch, ["description", "profile"], batch_size=1000)
        changed += len(batch)
    return changed


# --- one new entity (imports) -------------------------------------------------------------------


def first_profile(entity: Entity, article: Article, forms: list[str]) -> None:
    """Describe an entity an import just created, from the article that named it."""
    profile = Profile(articles=1)
    if article.published:
        profile.years[article.published.year] += 1
    if article.source_id:
        profile.outlets[article.source.name] += 1
    if entity.kind in ROLE_KINDS:
        text = f"{article.headline}\n{article.body[:TEXT_CHARS]}"
        profile.add_roles(roles_beside(text, forms, person=entity.kind == "person"))
    entity.profile = profile.as_json(entity.kind, entity.country if entity.kind == "place" else "")
    entity.description = describe(entity.kind, entity.feature, entity.profile)
