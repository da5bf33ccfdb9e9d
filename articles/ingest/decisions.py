"""What an import asks before it stores a name: is it an entity, of which kind, under which
name, and is it a variant or a short form of one the archive knows?

The answers come from the curated tables (articles/ingest/data), the decisions editors
made and `resolve_entities` recorded (EntityDecision), entities' match keys, and, for a
surname or given name alone, the person the archive means by it in the article's year and
outlet. So a new upload's "UN" lands on the United Nations, its "JUL7" is no entity, and its
"Clinton" in a 2016 story is Hillary Clinton, without waiting for the next
`resolve_entities`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..extraction.names import name_key
from ..extraction.types import FoundEntity
from ..extraction.variants import ORG_FORMS, match_key
from ..models import Entity, EntityDecision, Mention
from .reconcile import org_short_names
from .reconcile.curated import curated
from .reconcile.evidence import undated_ranks
from .reconcile.name_evidence import Choice, NameEvidence, UndatedRanks, name_words

DATELINE_CODE = re.compile(r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)\d{1,2}$")
SKIP = None  # what `settle` answers for a name that is no entity


class ArchiveDecisions:
    """The archive's decisions about names, read once per import (or per name asked)."""

    def __init__(self, *, preload: bool = False) -> None:
        self._verdicts: dict[tuple[str, str], EntityDecision | None] = {}
        self._preloaded = False
        self._by_match: dict[tuple[str, str], int] = {}
        self._different: set[tuple[str, str, str]] = set()  # (kind, key, other key)
        self._people_by_word: dict[str, list[tuple[int, str]]] = {}
        self._short: dict[str, NameEvidence] = {}
        self._ranks: UndatedRanks | None = None
        if preload:
            self.load()

    def load(self) -> None:
        for decision in EntityDecision.objects.exclude(origin=EntityDecision.Origin.SUGGESTED):
            self._keep(decision)
        rows = Entity.objects.exclude(match_key="").order_by("-id")
        for pk, kind, key, own in rows.values_list("id", "kind", "match_key", "key").iterator(
            chunk_size=10_000
        ):
            self._by_match[_match(kind, key, own)] = pk  # the oldest entity of a match key wins
        people = Entity.objects.filter(kind="person", key__contains=" ")
        for pk, name, key in people.values_list("id", "name", "key").iterator(chunk_size=10_000):
            words = name_words(key)
            if len(words) >= 2:
                for word in {words[0], words[-1]}:
                    self._people_by_word.setdefault(word, []).append((pk, name, key))
        self._preloaded = True

    def _keep(self, decision: EntityDecision) -> None:
        if decision.verdict == EntityDecision.Verdict.DIFFERENT:
            self._different.add((decision.kind, decision.key, decision.other_key))
            return
        current = self._verdicts.get((decision.kind, decision.key))
        # an editor's decision wins over the archive's evidence
        if current is None or decision.origin == EntityDecision.Origin.EDITOR:
            self._verdicts[(decision.kind, decision.key)] = decision

    def _verdict(self, kind: str, key: str) -> EntityDecision | None:
        if (kind, key) not in self._verdicts and not self._preloaded:
            self._verdicts[(kind, key)] = None
            for decision in EntityDecision.objects.filter(kind=kind, key=key).exclude(
                origin=EntityDecision.Origin.SUGGESTED
            ):
                self._keep(decision)
        return self._verdicts.get((kind, key))

    def settle(self, found: FoundEntity) -> FoundEntity | None:
        """The entity as the archive files it (kind and name), or SKIP for a non-entity."""
        key = name_key(found.name)
        if _never_an_entity(found, key) or curated().not_entity_class(found.name, found.kind):
            return SKIP
        decision = self._verdict(found.kind, key)
        if decision is not None:
            verdict = decision.verdict
            if verdict == EntityDecision.Verdict.NOT_ENTITY:
                return SKIP
            if verdict in (EntityDecision.Verdict.SAME, EntityDecision.Verdict.KIND):
                name = decision.other_name or found.name
                return _as(found, decision.other_kind or found.kind, name)
        entity = curated().entity_for(found.kind, found.name)
        if entity is not None and not (
            found.kind == "place" and entity.kind != "place" and found.country
        ):
            return _as(found, entity.kind, entity.name)
        return found

    # --- variants and short forms -----------------------------------------------------------

    def variant_of(self, found: FoundEntity) -> int | None:
        """A stored entity whose name is a variant of this one (same kind and match key),
        unless an editor said the two are different."""
        key = match_key(found.kind, found.name)
        if not key or (found.kind == "person" and " " not in key):
            return None
        own = name_key(found.name)
        if self._preloaded:
            candidate = self._by_match.get(_match(found.kind, key, own))
        else:
            rows = Entity.objects.filter(kind=found.kind, match_key=key).order_by("id")
            candidate = next(
                (
                    pk
                    for pk, other in rows.values_list("id", "key")
                    if _match(found.kind, key, other) == _match(found.kind, key, own)
                ),
                None,
            )
        if candidate is None:
            return None
        self._verdict(found.kind, own)  # reads this name's decisions when not preloaded
        other = Entity.objects.filter(pk=candidate).values_list("key", flat=True).first()
        if (found.kind, own, other) in self._different:
            return None
        return candidate

    def remember(self, entity_id: int, kind: str, name: str) -> None:
        """A new entity: later variants of its name in this import find it, and a new person
        named in full is a candidate for their short name (read afresh when next asked)."""
        if self._preloaded:
            own = _match(kind, match_key(kind, name), name_key(name))
            self._by_match.setdefault(own, entity_id)
        words = name_words(name)
        if kind == "person" and len(words) >= 2:
            for word in {words[0], words[-1]}:
                if self._preloaded or word in self._people_by_word:
                    self._people_by_word.setdefault(word, []).append(
                        (entity_id, name, name_key(name))
                    )
                self._short.pop(word, None)

    def short_form_of(self, found: FoundEntity, year: int, source_id: int | None) -> int | None:
        return self.short_form_choice(found, year, source_id).person

    def short_form_choice(self, found: FoundEntity, year: int, source_id: int | None) -> Choice:
        """The person a surname or given name alone means in this outlet and period, where
        they name that person in full and write the word alone for them
        (reconcile.name_evidence); None when the evidence is not there."""
        words = name_words(found.name)
        if found.kind != "person" or len(words) != 1 or " " in name_key(found.name):
            return Choice(None, {})
        evidence = self._short_evidence(words[0])
        if not evidence.ends:
            return Choice(None, {})
        # the article being imported is its outlet's newest: the period of its latest articles
        ranks = self._undated_ranks()
        period = ranks.period(NEWEST, source_id, year)
        self._verdict(found.kind, name_key(found.name))  # reads "not the same" decisions
        refused = {
            pk
            for pk, _, key in self._people_by_word.get(words[0], ())
            if (found.kind, name_key(found.name), key) in self._different
        }
        also = ranks.undated_also(source_id, year)
        choice = evidence.choose(words[0], 0, period, refused=refused, also=also)
        if choice.evidence.get("context") == "period":
            choice.evidence["period"] = period
        return choice

    def _short_evidence(self, word: str) -> NameEvidence:
        cached = self._short.get(word)
        if cached is not None:
            return cached
        if self._preloaded:
            people = self._people_by_word.get(word, [])
        else:
            rows = Entity.objects.filter(kind="person", key__contains=word)
            people = [r for r in rows.values_list("id", "name", "key") if word in _ends(r[2])]
            self._people_by_word[word] = people
        evidence = NameEvidence()
        for pk, name, _ in people:
            evidence.person(pk, name)
        ranks = self._undated_ranks()
        rows = Mention.objects.filter(
            entity_id__in=[pk for pk, _, _ in people], suppressed=False, article__is_published=True
        ).values_list(
            "entity_id", "article_id", "article__published", "article__source_id", "surface_forms"
        )
        for person, article_id, published, source_id, forms in rows.iterator(chunk_size=5000):
            period = ranks.period(article_id, source_id, published.year if published else 0)
            evidence.mention(person, forms, article_id, period)
        self._short[word] = evidence
        return evidence

    def _undated_ranks(self) -> UndatedRanks:
        if self._ranks is None:
            self._ranks = undated_ranks()
        return self._ranks


NEWEST = 2**62  # an article id after every stored one


def _match(kind: str, key: str, own_key: str) -> tuple:
    """Where a name meets its variants: an organization's one-word name ("Senate") does not
    meet the names in full of its match key ("US Senate"); resolve_entities gives it to them
    article by article, where the evidence is (reconcile.org_short_names)."""
    if kind == "organization":
        return (kind, key, org_short_names.full_name(own_key))
    return (kind, key)


def _ends(key: str) -> tuple[str, ...]:
    words = name_words(key)
    return (words[0], words[-1]) if len(words) >= 2 else ()


def _never_an_entity(found: FoundEntity, key: str) -> bool:
    """Names no archive evidence is needed to refuse: dateline codes, legal forms alone."""
    if DATELINE_CODE.match(key.replace(" ", "")):
        return True
    return found.kind == "organization" and bool(key) and all(w in ORG_FORMS for w in key.split())


def _as(found: FoundEntity, kind: str, name: str) -> FoundEntity:
    if kind == found.kind and name == found.name:
        return found
    place = kind == "place" and found.kind == "place"
    return replace(
        found,
        kind=kind,
        name=name,
        aliases=[*found.aliases, found.name],
        country=found.country if place else "",
        feature=found.feature if place else "",
        latitude=found.latitude if place else None,
        longitude=found.longitude if place else None,
    )
