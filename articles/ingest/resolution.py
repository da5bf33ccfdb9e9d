"""Which stored outlet or entity an extracted name is: by name key, alias and archive evidence.

``EntityResolver`` finds or creates the entity for an extracted one (per-import caches, or
every key read up front for bulk imports); ``ArchivePeople`` corrects a name's kind from what
the archive already knows ("Trump" tagged as an organization is the person);
``SourceResolver`` does the same for outlets.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q

from .. import merge_history
from ..extraction.entities import WELL_KNOWN_CITY
from ..extraction.names import is_short_form, name_key, name_slug
from ..extraction.outlets import is_outlet_name
from ..extraction.person_names import person_shaped, surname
from ..extraction.places import NAMED_FEATURES, gazetteer
from ..extraction.types import FoundEntity
from ..extraction.variants import match_key
from ..models import Article, Entity, EntityAlias, Mention, MergeRecord, Source
from . import profiles
from .columns import entity_key, fit, max_lengths
from .decisions import ArchiveDecisions
from .reconcile.name_evidence import period_label, short_word

PERSON, ORGANIZATION, PLACE = "person", "organization", "place"


class ArchivePeople:
    """What the archive already knows about people, to correct a name's kind on import.

    The tagger calls "Trump" an organization in most one-line HuffPost summaries ("witnessed
    Trump lunge at", "Trump's Florida home"), where no full name in the story can say better.
    The archive can: a one-word organization or place that is the surname of a person it
    knows well is that person (:meth:`person_for`), when the evidence is overwhelming.

    Why this is safe where global short-name aliases were not: an alias made every "White"
    anywhere the Robert P. White one story had named, on the word of that one story. Here a
    person must be named in at least MIN_ARTICLES articles and in FOLD times as many as any
    other person with that surname, and the word must not name an organization or place of
    its own: a person-tagged "White" is never touched, and neither is "Clinton" while Bill
    and Hillary Clinton are both well known, "Ford" once "Ford Motor" stories call it Ford,
    nor "Washington" the place.

    Counts are articles (mentions an editor removed do not count). A bulk import reads them
    all in two grouped queries (:meth:`load`); an upload asks only about the names it meets
    (:meth:`load_for`). Either way they are kept up to date as mentions are written;
    re-extraction counts an article's old and new mentions alike, which leaves the ratios be.
    """

    MIN_ARTICLES = 20
    FOLD = 5  # over any other person of that surname
    OWN_FOLD = 10  # over the articles where the word itself names an organization or place

    def __init__(self) -> None:
        self.loaded = False  # everything read (load)
        self.asked: set[str] = set()  # or only these names (load_for)
        self.articles: Counter = Counter()  # entity id -> articles mentioning it
        self.names: dict[int, tuple[str, str]] = {}  # entity id -> (kind, key)
        self.by_surname: dict[str, set[int]] = defaultdict(set)  # persons of 2+ words
        self.by_key: dict[tuple[str, str], int] = {}
        # one-word name -> articles where an organization or place is called by it next to
        # a longer name ("Ford" beside "Ford Motor"): it names something else than a person
        self.own: Counter = Counter()

    def load(self) -> None:
        # Two passes over the mention table in orders SQLite reads without looking rows up
        # one by one (at 1,000,000 articles the whole load took 18.8 s with a join grouped by
        # entity and filtered on a column no index holds, 4.6 s this way): mentions per
        # entity from the entity index alone, less the few an editor removed.
        counts = Counter(
            dict(
                Mention.objects.order_by()
                .values("entity_id")
                .annotate(n=Count("id"))
                .values_list("entity_id", "n")
            )
        )
        counts.subtract(Mention.objects.filter(suppressed=True).values_list("entity_id", flat=True))
        for entity_id, kind, key in Entity.objects.values_list("id", "kind", "key"):
            self.add_entity(entity_id, kind, key)
            self.articles[entity_id] = counts[entity_id]
        # Then every list of two surface forms or more, grouped by the list first (a table
        # scan, not the entity index), kept for organizations and places; the same lists
        # recur ("United States", "US"), so each distinct one is weighed once.
        weights: Counter = Counter()
        forms = (
            Mention.objects.filter(suppressed=False, surface_forms__1__isnull=False)
            .order_by()
            .values("surface_forms", "entity_id")
            .annotate(n=Count("id"))
            .values_list("surface_forms", "entity_id", "n")
        )
        for surfaces, entity_id, n in forms.iterator(chunk_size=5000):
            if self.names.get(entity_id, ("",))[0] in (ORGANIZATION, PLACE):
                weights[tuple(surfaces)] += n
        for surfaces, n in weights.items():
            self._count_own(surfaces, weight=n)
        self.loaded = True

    def load_for(self, kind: str, key: str) -> None:
        """Read what the rule needs about one name (for resolvers that load nothing up front:
        one article's upload should not read the whole archive)."""
        if self.loaded or key in self.asked:
            return
        self.asked.add(key)
        if " " in key:
            rows = Entity.objects.filter(Q(kind=PERSON) | Q(kind=kind), key=key)
        else:
            rows = Entity.objects.filter(kind=PERSON, key__endswith=f" {key}")
        rows = rows.annotate(n=Count("mentions", filter=Q(mentions__suppressed=False)))
        for entity_id, e_kind, e_key, n in rows.values_list("id", "kind", "key", "n"):
            if entity_id not in self.names:
                self.add_entity(entity_id, e_kind, e_key)
                self.articles[entity_id] = n
        if " " in key or not self.by_surname.get(key):
            return
        # Organizations and places whose name holds the word ("Ford Motor" for "ford"): a
        # LIKE over the entity table, then only their mentions (the surface forms themselves
        # cannot be searched without reading every mention).
        holders = [
            entity_id
            for entity_id, e_key in Entity.objects.filter(
                kind__in=(ORGANIZATION, PLACE), key__contains=key
            ).values_list("id", "key")
            if key in e_key.split()
        ]
        if not holders:
            return
        forms = Mention.objects.filter(
            entity_id__in=holders, suppressed=False, surface_forms__1__isnull=False
        ).values_list("surface_forms", flat=True)
        for surfaces in forms.iterator(chunk_size=2000):
            self._count_own(surfaces, only={key})

    def add_entity(self, entity_id: int, kind: str, key: str) -> None:
        self.names[entity_id] = (kind, key)
        self.by_key[(kind, key)] = entity_id
        if kind == PERSON and " " in key:
            self.by_surname[surname(key)].add(entity_id)

    def _count_own(self, surfaces, only: set[str] | None = None, weight: int = 1) -> None:
        surfaces = [s for s in surfaces if isinstance(s, str)]
        keys = {name_key(s) for s in surfaces}
        # "Donald Trump" + "Trump" on an organization is the tagger's mistake, not evidence
        longer = [
            name_key(s).split()
            for s in surfaces
            if " " in name_key(s) and not person_shaped(s.split())
        ]
        for k in keys:
            if k and " " not in k and (only is None or k in only):
                if any(k in words for words in longer):
                    self.own[k] += weight

    def count(self, entity_id: int, found: FoundEntity) -> None:
        """One more article mentions ``entity_id`` (as ``found``)."""
        if not self.loaded:
            # only what load_for has read; the rest is read from the database when asked
            if entity_id in self.names:
                self.articles[entity_id] += 1
            if found.kind in (ORGANIZATION, PLACE) and len(found.mentions) > 1:
                self._count_own(found.mentions, only=self.asked)
            return
        self.articles[entity_id] += 1
        if found.kind in (ORGANIZATION, PLACE) and len(found.mentions) > 1:
            self._count_own(found.mentions)

    def person_for(self, found: FoundEntity, key: str) -> int | None:
        """The well-known person an organization or place really is, or None."""
        if found.kind not in (ORGANIZATION, PLACE) or not key:
            return None
        person = self._candidate(found, key)  # dictionary look-ups first: most names stop here
        if person is None:
            return None
        if any(name_key(s) != key for s in found.mentions):
            return None  # "Trump Tower" and "Trump" in one story: the story decided
        if is_outlet_name(found.name) or self._known_place(found):
            return None
        return person

    def _candidate(self, found: FoundEntity, key: str) -> int | None:
        if " " in key:
            # "Donald Trump" tagged ORG: the archive mostly knows the name as a person's
            person = self.by_key.get((PERSON, key))
            if person is None or self.articles[person] < self.MIN_ARTICLES:
                return None
            mine = self.by_key.get((found.kind, key))
            if self.articles[person] <= (self.articles[mine] if mine else 0):
                return None
            return person if person_shaped(found.name.split()) else None
        people = self.by_surname.get(key)
        if not people:
            return None
        ranked = sorted(people, key=lambda i: -self.articles[i])
        n = self.articles[ranked[0]]
        runner_up = self.articles[ranked[1]] if len(ranked) > 1 else 0
        if (
            n >= self.MIN_ARTICLES
            and n >= self.FOLD * runner_up
            and n > self.OWN_FOLD * self.own[key]
        ):
            return ranked[0]
        return None

    @staticmethod
    def _known_place(found: FoundEntity) -> bool:
        if found.kind == PLACE:
            return bool(found.country) or gazetteer().lookup(found.name) is not None
        place = gazetteer().lookup(found.name)  # "Washington" tagged ORG: a team, a city
        return place is not None and (
            place.feature in NAMED_FEATURES or place.population >= WELL_KNOWN_CITY
        )


class EntityResolver:
    """Finds or creates the stored entity for an extracted one, by name key and aliases.

    Keeps a per-import cache so a bulk import does not query for "Iraq" ten thousand times.
    With ``preload=True`` (bulk imports) every entity and alias key is read in two queries
    up front, so only new entities cost queries; an entity another process creates meanwhile
    is caught by the unique key and looked up.
    """

    def __init__(self, *, preload: bool = False, people: ArchivePeople | None = None) -> None:
        self._by_key: dict[tuple[str, str], int] = {}
        self.decisions = ArchiveDecisions()
        self._preload = preload
        self._preloaded = False
        self._slugs: set[tuple[str, str]] = set()
        # ``people``: counts another resolver keeps up to date (re-extraction's batches)
        self.people = people or ArchivePeople()
        self._shared_people = people is not None
        # one-word names given to people in the article being written: (form, person, evidence)
        self.short_names: list[tuple[str, int, dict]] = []
        self._outlets: dict[int, str] | None = None
        self.created: list[Entity] = []  # entities the article being written created

    def _load_all(self) -> None:
        for kind, key, alias_of in EntityAlias.objects.values_list("kind", "key", "entity_id"):
            self._by_key[(kind, key)] = alias_of
        for kind, key, slug, entity_id in Entity.objects.values_list("kind", "key", "slug", "id"):
            self._by_key[(kind, key)] = entity_id  # an entity's own key wins over an alias
            self._slugs.add((kind, slug))
        self.decisions = ArchiveDecisions(preload=True)
        self._preloaded = True
        if not self._shared_people:
            self.people = ArchivePeople()  # loaded again after a conflict: counted afresh
        if not self.people.loaded:
            self.people.load()

    def _slug_taken(self, kind: str, slug: str) -> bool:
        if self._preloaded:
            return (kind, slug) in self._slugs
        return Entity.objects.filter(kind=kind, slug=slug).exists()

    def resolve(
        self, found: FoundEntity, *, year: int = 0, source_id: int | None = None
    ) -> int | None:
        """The stored entity's id, created if new; None for a name that is no entity.

        ``year`` and ``source_id`` (the article's) decide who a surname alone means.
        """
        if self._preload and not self._preloaded:
            self._load_all()
        found = self.decisions.settle(found)
        if found is None:
            return None
        if found.kind != PERSON:
            key = entity_key(found.name)
            if " " not in key or person_shaped(found.name.split()):
                self.people.load_for(found.kind, key)
                person = self.people.person_for(found, key)
                if person is not None and " " in key:
                    return person
                if person is not None:
                    choice = self.decisions.short_form_choice(
                        replace(found, kind=PERSON), year, source_id
                    )
                    if choice.person == person:
                        self.short_names.append((found.name, person, choice.evidence))
                        return person
        keys = [entity_key(found.name), *(entity_key(a) for a in archive_aliases(found))]
        keys = [k for k in dict.fromkeys(keys) if k]
        for key in keys:
            cached = self._by_key.get((found.kind, key))
            if cached:
                return cached
        entity_id = None if self._preloaded else self._lookup(found.kind, keys)
        if entity_id is None:
            entity_id = self.decisions.variant_of(found)
        if entity_id is None:
            # decided per article (year, outlet): not remembered for the next article
            choice = self.decisions.short_form_choice(found, year, source_id)
            if choice.person is not None:
                self.short_names.append((found.name, choice.person, choice.evidence))
                return choice.person
            entity_id = self._create(found, keys[0] if keys else "unnamed")
            self.decisions.remember(entity_id, found.kind, found.name)
        for key in keys:
            self._by_key[(found.kind, key)] = entity_id
        return entity_id

    def describe_new(self, article: Article, forms: dict[int, list[str]]) -> None:
        """Describe the entities this article created, from it (resolve_entities describes
        them again from the whole archive). ``forms``: entity id -> its surface forms."""
        created, self.created = [e for e in self.created if e.pk in forms], []
        for entity in created:  # as _create wrote them: nothing to read back
            profiles.first_profile(entity, article, forms[entity.pk])
        self._write_descriptions(created)

    @staticmethod
    def _write_descriptions(entities: list[Entity]) -> None:
        """Store these entities' description and profile: one UPDATE statement run for each.

        Per imported article, in its transaction: ``bulk_update`` builds a CASE per row and
        field and was 0.75 ms a row, a query per row 0.4 ms; this is 0.03 ms (issue 19: import
        speed). No save signal and no updated_at, as with bulk_update (the description is not
        in the search index)."""
        if not entities:
            return
        meta, name = Entity._meta, connection.ops.quote_name
        description, profile = meta.get_field("description"), meta.get_field("profile")
        sql = (
            f"UPDATE {name(meta.db_table)} SET {name(description.column)} = %s, "
            f"{name(profile.column)} = %s WHERE {name(meta.pk.column)} = %s"
        )
        rows = [
            (
                description.get_db_prep_save(e.description, connection),
                profile.get_db_prep_save(e.profile, connection),
                e.pk,
            )
            for e in entities
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    def record_short_names(self, article_id: int) -> None:
        """Write down the one-word names this article's mentions gave to people (with the
        evidence), as resolve_entities does for its own: the person's history lists them."""
        if not self.short_names:
            return
        by_pair: dict[tuple[str, int], tuple[str, dict]] = {}
        for form, person, evidence in self.short_names:
            by_pair.setdefault((name_key(form), person), (form, evidence))
        self.short_names = []
        outlets = self._outlet_names()
        for (word, person), (form, evidence) in by_pair.items():
            mention = Mention.objects.filter(article_id=article_id, entity_id=person).first()
            into = Entity.objects.filter(pk=person).first()
            if mention is None or into is None or short_word(mention.surface_forms) != word:
                continue  # the article names the person in full too: no merge to undo
            period = evidence.get("period")
            summary = {"word": word, "in_article": 0, "periods": [], "more_periods": 0}
            if period:
                details = {k: evidence[k] for k in ("named", "uses", "runner_up") if k in evidence}
                summary["periods"] = [
                    {"period": period_label(tuple(period), outlets), "articles": 1, **details}
                ]
            merge_history.record_moves(
                MergeRecord.Action.SHORT_NAME,
                Entity(kind=PERSON, name=form[:300], key=word, slug=name_slug(form)),
                into,
                merge_history.mention_states([mention]),
                [],
                reason="on import: the outlet and period name the person in full",
                evidence=summary,
            )

    def _outlet_names(self) -> dict[int, str]:
        if self._outlets is None:
            self._outlets = dict(Source.objects.values_list("id", "name"))
        return self._outlets

    def _lookup(self, kind: str, keys: list[str]) -> int | None:
        for key in keys:
            entity_id = (
                Entity.objects.filter(kind=kind, key=key).values_list("id", flat=True).first()
            )
            if entity_id:
                return entity_id
            entity_id = (
                EntityAlias.objects.filter(kind=kind, key=key)
                .values_list("entity_id", flat=True)
                .first()
            )
            if entity_id:
                return entity_id
        return None

    def _create(self, found: FoundEntity, key: str, *, retry: bool = True) -> int:
        base = name_slug(found.name)
        slug = base
        n = 1
        while self._slug_taken(found.kind, slug):
            n += 1
            slug = f"{base}-{n}"
        try:
            with transaction.atomic():
                entity = Entity.objects.create(
                    **fit(
                        Entity,
                        kind=found.kind,
                        name=found.name,
                        slug=slug,
                        key=key,
                        match_key=match_key(found.kind, found.name),
                        country=found.country or "",
                        feature=found.feature or "",
                        latitude=found.latitude,
                        longitude=found.longitude,
                    )
                )
        except IntegrityError:
            # Created meanwhile by another process (or known under an alias we did not load).
            existing = self._lookup(found.kind, [key])
            if existing is not None:
                return existing
            if not retry:
                raise
            self._preloaded = False  # the slug was taken meanwhile: ask the database
            return self._create(found, key, retry=False)
        self._slugs.add((found.kind, slug))
        self.created.append(entity)
        self.people.add_entity(entity.id, found.kind, key)
        aliases = {}
        for alias in archive_aliases(found, with_mentions=True):
            alias_key = entity_key(alias)
            if alias_key and alias_key != key:
                aliases.setdefault(alias_key, alias)
        # A name already known as another entity's alias stays with that entity.
        EntityAlias.objects.bulk_create(
            [
                EntityAlias(**fit(EntityAlias, entity=entity, kind=found.kind, key=k, name=name))
                for k, name in aliases.items()
            ],
            ignore_conflicts=True,
        )
        return entity.id


def archive_aliases(found: FoundEntity, *, with_mentions: bool = False) -> list[str]:
    """The other names an entity is known by in the whole archive: acronyms, spelling and
    transliteration variants, long forms; never a short form ("White" of "Robert P. White")
    that only one document resolved."""
    names = [*found.aliases, *found.mentions] if with_mentions else found.aliases
    return [n for n in dict.fromkeys(names) if not is_short_form(n, found.name)]


class SourceResolver:
    def __init__(self) -> None:
        self._cache: dict[str, Source] = {}

    def resolve(self, name: str, domain: str) -> Source | None:
        name = fit(Source, name=" ".join(name.split()))["name"].strip()
        if not name:
            return None
        source = self._cache.get(name)
        if source is None:
            source = Source.objects.filter(name=name).first() or self._create(name, domain)
            self._cache[name] = source
        if domain and domain not in source.domains:
            source.domains = [*source.domains, domain]
            source.save(update_fields=["domains"])
        return source

    def _create(self, name: str, domain: str) -> Source:
        base = name_slug(name)[: max_lengths(Source)["slug"] - 4]
        slug, n = base, 1
        # "Press-TV" and "Press TV" share a slug; the second one gets "-2"
        while Source.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        try:
            with transaction.atomic():
                return Source.objects.create(
                    name=name, slug=slug, domains=[domain] if domain else []
                )
        except IntegrityError:  # created meanwhile by another process
            return Source.objects.get(name=name)
