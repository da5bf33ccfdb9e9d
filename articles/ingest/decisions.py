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
from collections import Counter
from dataclasses import replace

from ..extraction.names import name_key
from ..extraction.types import FoundEntity
from ..extraction.variants import ORG_FORMS, match_key
from ..models import Entity, EntityDecision, Mention
from .reconcile.curated import curated
from .reconcile.short_names import MIN_ARTICLES, choose

DATELINE_CODE = re.compile(r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)\d{1,2}$")
SKIP = None  # what `settle` answers for a name that is no entity


class ArchiveDecisions:
    """The archive's decisions about names, read once per import (or per name asked)."""

    def __init__(self, *, preload: bool = False) -> None:
        self._verdicts: dict[tuple[str, str], EntityDecision | None] = {}
        self._preloaded = False
        self._by_match: dict[tuple[str, str], int] = {}
        self._different: set[tuple[str, str, str]] = set()  # (kind, key, other key)
        self._people_by_word: dict[str, list[int]] = {}
        self._short: dict[str, tuple[list[int], dict]] = {}
        if preload:
            self.load()

    def load(self) -> None:
        for decision in EntityDecision.objects.exclude(origin=EntityDecision.Origin.SUGGESTED):
            self._keep(decision)
        rows = Entity.objects.exclude(match_key="").order_by("-id")
        for pk, kind, key in rows.values_list("id", "kind", "match_key").iterator(
            chunk_size=10_000
        ):
            self._by_match[(kind, key)] = pk  # the oldest entity of a match key wins
        people = Entity.objects.filter(kind="person", key__contains=" ")
        for pk, key in people.values_list("id", "key").iterator(chunk_size=10_000):
            words = key.split()
            self._people_by_word.setdefault(words[0], []).append(pk)
            if words[-1] != words[0]:
                self._people_by_word.setdefault(words[-1], []).append(pk)
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
        if self._preloaded:
            candidate = self._by_match.get((found.kind, key))
        else:
            candidate = (
                Entity.objects.filter(kind=found.kind, match_key=key)
                .order_by("id")
                .values_list("id", flat=True)
                .first()
            )
        if candidate is None:
            return None
        own = name_key(found.name)
        self._verdict(found.kind, own)  # reads this name's decisions when not preloaded
        other = Entity.objects.filter(pk=candidate).values_list("key", flat=True).first()
        if (found.kind, own, other) in self._different:
            return None
        return candidate

    def remember(self, entity_id: int, kind: str, name: str) -> None:
        """A new entity: later variants of its name in this import find it."""
        if self._preloaded:
            self._by_match.setdefault((kind, match_key(kind, name)), entity_id)

    def short_form_of(self, found: FoundEntity, year: int, source_id: int | None) -> int | None:
        """The person a surname or given name alone means in this year and outlet."""
        key = name_key(found.name)
        if found.kind != "person" or " " in key or not key:
            return None
        candidates, cells = self._short_candidates(key)
        if not candidates:
            return None
        contexts = [
            cells["year_source"].get((year, source_id), Counter()) if year else Counter(),
            cells["year"].get(year, Counter()) if year else Counter(),
            cells["source"].get(source_id, Counter()),
            cells["all"],
        ]
        return choose(candidates, contexts)

    def _short_candidates(self, key: str) -> tuple[list[int], dict]:
        cached = self._short.get(key)
        if cached is not None:
            return cached
        if self._preloaded:
            people = self._people_by_word.get(key, [])
        else:
            rows = Entity.objects.filter(kind="person", key__contains=key).values_list("id", "key")
            people = [
                pk
                for pk, full in rows
                if " " in full and key in (full.split()[0], full.split()[-1])
            ]
        cells: dict = {"year_source": {}, "year": {}, "source": {}, "all": Counter()}
        rows = (
            Mention.objects.filter(entity_id__in=people, suppressed=False)
            .values_list("entity_id", "article__published", "article__source_id")
            .iterator(chunk_size=5000)
        )
        for person, published, source_id in rows:
            year = published.year if published else 0
            cells["year_source"].setdefault((year, source_id), Counter())[person] += 1
            cells["year"].setdefault(year, Counter())[person] += 1
            cells["source"].setdefault(source_id, Counter())[person] += 1
            cells["all"][person] += 1
        candidates = [p for p in people if cells["all"][p] >= MIN_ARTICLES]
        self._short[key] = (candidates, cells)
        return self._short[key]


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
