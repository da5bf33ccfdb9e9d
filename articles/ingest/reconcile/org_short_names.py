"""An organization's one-word short form ("Senate", "Treasury", "Disney", "News"), given to
the organization named in full ("US Senate", "U.S. Treasury", "News Corp") only where the
evidence is in its own context: the rule people's short names follow (name_evidence), with
the same recorded MergeRecord evidence.

1. the same article names the organization in full, and no other organization that word
   may stand for; or
2. its outlet in the same period names it in full (MIN_NAMED articles or more), FOLD times
   as often as any other organization that word may stand for.

A word may stand for the organizations named in full whose match key it has ("Senate":
"US Senate"; "News": "News Corp"; "Shabab": "al-Shabab"), and for the one it is on. Every
run decides every such mention afresh: one-word mentions an import or an older run put on
the full name without that evidence go back to the one-word name ("Treasury" in a 1987
Reuters story that never names the U.S. Treasury), and the one-word name's mentions go to
the organization where the evidence is there. Acronyms are not short forms ("IAEA" is
settled by the acronyms the archive defines), nor are one-word names the curated table, an
alias or an editor settled.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ...extraction.names import name_key
from ...extraction.variants import match_key
from ...models import Entity, EntityAlias, EntityDecision, Mention, Source
from .curated import Curated
from .evidence import ShortMention, mention_rows, undated_ranks
from .name_evidence import FOLD, MIN_NAMED, Choice, Period, Periods, period_label, short_word
from .short_names import Move

KIND = "organization"


def full_name(key: str) -> bool:
    """An organization named in full: two words or more, not spelled-out letters ("u n")."""
    words = key.split()
    return len(words) >= 2 and not all(len(w) == 1 for w in words)


def short_form(key: str, full_key: str) -> bool:
    """Is the one-word ``key`` a short form of the organization named ``full_key``?
    ("senate", "us senate"; "disney", "us disney corporation")."""
    return (
        " " not in key
        and bool(key)
        and full_name(full_key)
        and (key in full_key.split() or match_key(KIND, key) == match_key(KIND, full_key))
    )


def without_short_forms(group: list) -> list:
    """Names of one match key, less the one-word ones when one is named in full ("Senate"
    beside "US Senate"): those are decided article by article (plan_moves)."""
    if any(full_name(n.key) for n in group):
        return [n for n in group if " " in n.key]
    return group


@dataclass
class OrgEvidence:
    """Where the archive names its organizations in full."""

    named: dict[int, Periods] = field(default_factory=lambda: defaultdict(Periods))
    in_article: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_match: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def organization(self, org_id: int, key: str) -> None:
        self.by_match[match_key(KIND, key)].add(org_id)

    def mention(self, org_id: int, forms: list[str], article_id: int, period: Period) -> bool:
        """A mention naming the organization in full; False when every form is one word."""
        if not any(full_name(name_key(f)) for f in forms if isinstance(f, str)):
            return False
        self.named[org_id][period] += 1
        self.in_article[article_id].add(org_id)
        return True

    def choose(
        self,
        word: str,
        article_id: int,
        period: Period,
        *,
        current: int | None = None,
        refused: Iterable[int] = (),
        also: tuple[Period, ...] = (),
    ) -> Choice:
        """The organization ``word`` alone stands for in this article, with the evidence."""
        everyone = (self.by_match.get(match_key(KIND, word), set()) | {current}) - {None}
        everyone -= set(refused)
        if not everyone:
            return Choice(None, {})
        here = everyone & self.in_article.get(article_id, set())
        if len(here) == 1:
            return Choice(next(iter(here)), {"context": "article"})
        if here:
            return Choice(None, {"context": "article", "ambiguous": len(here)})
        choice = self._in_period(everyone, (period,))
        if choice.person is None and also and choice.evidence.get("named") == 0:
            return self._in_period(everyone, also)
        return choice

    def _in_period(self, everyone: set[int], periods: tuple[Period, ...]) -> Choice:
        def count(org_id: int) -> int:
            counts = self.named.get(org_id)
            return sum(counts.around(p) for p in periods) if counts else 0

        ranked = sorted(((count(o), o) for o in everyone), key=lambda x: (-x[0], x[1]))
        named, best = ranked[0]
        runner_up = ranked[1][0] if len(ranked) > 1 else 0
        evidence = {"context": "period", "named": named, "runner_up": runner_up}
        if named >= MIN_NAMED and named >= FOLD * runner_up:
            return Choice(best, evidence)
        return Choice(None, evidence)


@dataclass
class OrgNames:
    evidence: OrgEvidence
    short: list[ShortMention]
    outlets: dict[int, str]


def settled(cur: Curated) -> tuple[set[tuple[str, int]], dict[str, set[int]], set[str]]:
    """(word, organization) pairs the curated table, an alias or an editor made one; word ->
    organizations an editor said it is not; words an editor kept as entities of their own."""
    full = {
        key: pk
        for pk, key in Entity.objects.filter(kind=KIND, key__contains=" ").values_list("id", "key")
        if full_name(key)
    }
    decided: set[tuple[str, int]] = set()
    for entity in cur.entities:
        org = full.get(name_key(entity.name))
        if entity.kind == KIND and org is not None:
            decided |= {(name_key(o), org) for o in entity.other_names if " " not in name_key(o)}
    aliases = EntityAlias.objects.filter(kind=KIND).exclude(key__contains=" ")
    decided |= set(aliases.values_list("key", "entity_id"))
    refused: dict[str, set[int]] = defaultdict(set)
    kept: set[str] = set()
    for d in EntityDecision.objects.filter(origin=EntityDecision.Origin.EDITOR, kind=KIND):
        key, other = name_key(d.key), full.get(d.other_key)
        if " " in key:
            continue
        if d.verdict == EntityDecision.Verdict.SAME and other:
            decided.add((key, other))
        elif d.verdict == EntityDecision.Verdict.DIFFERENT and other:
            refused[key].add(other)
        elif d.verdict == EntityDecision.Verdict.ENTITY:
            kept.add(key)
    return decided, refused, kept


def org_names(decided: set[tuple[str, int]] = frozenset()) -> OrgNames:
    """Every organization mention, read once: which organizations are named in full where,
    and every one-word mention that may be a short form of one."""
    ranks = undated_ranks()
    ev = OrgEvidence()
    keys: dict[int, str] = {}
    for pk, key in Entity.objects.filter(kind=KIND).values_list("id", "key"):
        keys[pk] = key
        if full_name(key):
            ev.organization(pk, key)
    short = []
    for mention_id, entity_id, article_id, published, source_id, forms, origin in mention_rows(
        KIND
    ):
        year = published.year if published else 0
        period = ranks.period(article_id, source_id, year)
        key = keys.get(entity_id, "")
        on_full = full_name(key)
        if on_full and ev.mention(entity_id, forms, article_id, period):
            continue
        word = short_word(forms)
        if not word or origin == Mention.Origin.EDITOR:
            continue
        if on_full and (not short_form(word, key) or (word, entity_id) in decided):
            continue
        if not on_full and (word != key or not ev.by_match.get(match_key(KIND, word))):
            continue
        form = next((f for f in forms if isinstance(f, str) and f.strip()), word)
        also = ranks.undated_also(source_id, year)
        short.append(
            ShortMention(mention_id, entity_id, word, article_id, period, form, on_full, also)
        )
    return OrgNames(ev, short, dict(Source.objects.values_list("id", "name")))


def plan_moves(cur: Curated) -> list[Move]:
    decided, refused, kept = settled(cur)
    return decide(org_names(decided), refused, kept)


def decide(names: OrgNames, refused: dict[str, set[int]], kept: set[str]) -> list[Move]:
    moves = []
    for sm in names.short:
        if not sm.on_full and sm.word in kept:
            continue
        choice = names.evidence.choose(
            sm.word,
            sm.article_id,
            sm.period,
            current=sm.entity_id if sm.on_full else None,
            refused=refused.get(sm.word, ()),
            also=sm.also,
        )
        if sm.on_full and choice.person == sm.entity_id:
            continue
        if not sm.on_full and choice.person is None:
            continue
        evidence = dict(choice.evidence)
        if evidence.get("context") == "period":
            evidence["period"] = period_label(sm.period, names.outlets)
        moves.append(Move.of(sm, choice.person, evidence, kind=KIND))
    return moves
