"""Which articles report one story: the rules, the same for a whole archive and one article.

An article joins a story when it is a copy of one of its articles (articles.similarity.copies)
or reports the same event: it shares a rare place, organization or person with articles of
the story, its lead reads alike (text cosine and entity overlap, ``likeness``), its figures do
not contradict theirs, it is close in time to all of them, and it is alike not only to the
closest article but to the story on average (so two stories never chain into one through a
single bridging article). A false merge is worse than a miss: the thresholds are strict, and
stricter where time cannot be checked (an undated article against another outlet).

Editors' decisions arrive as pins: articles with one pin are one story, articles with
different pins never are (articles.ingest.stories turns an editor's split, move or merge into
pins).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import sparse

from . import copies
from .text import words as text_words


@dataclass(frozen=True)
class Rules:
    window_days: int = 3  # two dated articles of one story are at most this far apart
    span_days: int = 7  # ...and a story spans at most this
    sequence_window: int = 30  # undated articles of one outlet: this far apart in its order
    rare_share: float = 0.005  # entities in at most this share of articles are rare...
    rare_floor: int = 25  # ...or in at most this many (a small archive)
    strict_rare: int = 40  # an undated article meets other outlets through rarer ones only
    text_weight: float = 0.7  # likeness = this x text cosine + the rest x entity overlap
    near: float = 0.42  # likeness to the closest article, close in time
    unknown: float = 0.45  # ...when time cannot be checked
    mean: float = 0.30  # mean likeness to the story's articles (no chaining)
    figure_conflict: float = 0.5  # share of differing figures that makes two reports two
    candidates: int = 40  # most candidates weighed for one article (sharing most first)


RULES = Rules()


@dataclass
class Item:
    """One article as grouping sees it (its words and entities are in the Scorer)."""

    id: int
    outlet: int | None
    day: int | None  # date ordinal; None when undated
    sequence: int  # rank among its outlet's articles in import order (for undated ones)
    entities: frozenset[int] = frozenset()
    figures: frozenset[str] = frozenset()
    signature: np.ndarray | None = None
    pin: str = ""
    copy_of: int | None = None
    subjects: frozenset[int] = frozenset()  # entities its headline names
    # entities it names in its headline or more than once (not only in passing)
    prominent: frozenset[int] = frozenset()


@dataclass
class Placement:
    story: int | None  # None: it starts a story of its own
    copy_of: int | None = None  # the article it is a copy of
    score: float = 0.0


@dataclass
class Cluster:
    id: int
    members: list[Item] = field(default_factory=list)
    pin: str = ""
    first_day: int | None = None
    last_day: int | None = None

    def add(self, item: Item) -> None:
        self.members.append(item)
        if item.day is not None:
            self.first_day = item.day if self.first_day is None else min(self.first_day, item.day)
            self.last_day = item.day if self.last_day is None else max(self.last_day, item.day)
        if item.pin:
            self.pin = item.pin


class EntityWeights:
    """entity id -> weight (inverse document frequency), and which entities are rare."""

    def __init__(self, counts: Mapping[int, int], total: int, rules: Rules = RULES):
        self.counts, self.total = counts, max(total, 1)
        self.rare_limit = max(rules.rare_floor, int(rules.rare_share * self.total))
        self.strict_limit = rules.strict_rare

    def __call__(self, entity: int) -> float:
        # log(1 + N/df): in a small archive an entity two articles share still weighs more
        # than nothing (log(N/df) would all but ignore it).
        return float(np.log1p(self.total / max(self.counts.get(entity, 0), 1)))

    def rare(self, entities: Iterable[int], *, strict: bool = False) -> list[int]:
        limit = self.strict_limit if strict else self.rare_limit
        return [e for e in entities if 0 < self.counts.get(e, 0) <= limit]


class Scorer:
    """Likeness of articles: text cosine of their leads (sparse unit vectors, one row per
    article) and weighted overlap of their entities, for many pairs at once."""

    def __init__(self, weight: EntityWeights, rules: Rules = RULES):
        self.weight, self.rules = weight, rules
        self.vocabulary: dict[str, int] = {}
        self.row: dict[int, int] = {}
        self._indices: list[np.ndarray] = []
        self._values: list[np.ndarray] = []
        self._entities: list[frozenset[int]] = []
        self._entity_mass: list[float] = []
        self._matrix = None

    def add(self, article_id: int, vector: Mapping[str, float], entities: frozenset[int]):
        vocabulary = self.vocabulary
        columns = [vocabulary.setdefault(w, len(vocabulary)) for w in vector]
        self.row[article_id] = len(self._indices)
        self._indices.append(np.array(columns, dtype=np.int32))
        self._values.append(np.fromiter(vector.values(), dtype=np.float32, count=len(vector)))
        self._entities.append(entities)
        self._entity_mass.append(sum(self.weight(e) for e in entities))
        self._matrix = None

    @property
    def matrix(self):
        if self._matrix is None:
            lengths = [len(i) for i in self._indices]
            indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
            np.cumsum(lengths, out=indptr[1:])
            empty_i, empty_v = np.zeros(0, np.int32), np.zeros(0, np.float32)
            self._matrix = sparse.csr_matrix(
                (
                    np.concatenate(self._values) if self._values else empty_v,
                    np.concatenate(self._indices) if self._indices else empty_i,
                    indptr,
                ),
                shape=(len(lengths), max(1, len(self.vocabulary))),
            )
        return self._matrix

    def text(self, article_id: int, others: list[int]) -> np.ndarray:
        if not others:
            return np.zeros(0)
        matrix = self.matrix
        rows = [self.row[o] for o in others]
        return np.asarray(matrix[rows] @ matrix[self.row[article_id]].T.toarray()).ravel()

    def entity_overlap(self, article_id: int, others: list[int]) -> np.ndarray:
        """Weighted Jaccard of the entities."""
        mine = self._entities[self.row[article_id]]
        mass = self._entity_mass[self.row[article_id]]
        out = np.zeros(len(others))
        if not mine:
            return out
        for n, other in enumerate(others):
            theirs = self._entities[self.row[other]]
            shared = sum(self.weight(e) for e in mine & theirs) if theirs else 0.0
            if shared:
                out[n] = shared / (mass + self._entity_mass[self.row[other]] - shared)
        return out

    def likeness(self, article_id: int, others: list[int]) -> np.ndarray:
        share = self.rules.text_weight
        text = self.text(article_id, others)
        return share * text + (1 - share) * self.entity_overlap(article_id, others)

    def representative(self, members: list[Item]) -> int:
        """The article closest to the story's centre (the sum of its vectors), the earliest
        on a tie: the one lists show for the story."""
        if len(members) == 1:
            return members[0].id
        rows = self.matrix[[self.row[m.id] for m in members]]
        centre = np.asarray(rows.sum(axis=0)).ravel()
        closeness = rows @ centre
        best = max(
            range(len(members)),
            key=lambda n: (round(float(closeness[n]), 6), -(members[n].day or 0), -members[n].id),
        )
        return members[best].id


def time_known(a: Item, b: Item, rules: Rules = RULES) -> bool | None:
    """True: close in time; False: too far apart for one story; None: cannot tell."""
    if a.day is not None and b.day is not None:
        return abs(a.day - b.day) <= rules.window_days
    if a.day is None and b.day is None and a.outlet is not None and a.outlet == b.outlet:
        return abs(a.sequence - b.sequence) <= rules.sequence_window
    return None


def figures_conflict(a: Item, b: Item, rules: Rules = RULES) -> bool:
    """Both give figures and most of them differ: two reports of the same kind (a daily
    market estimate, this week's list), not two of one event."""
    if len(a.figures) < 2 or len(b.figures) < 2:
        return False
    shared = len(a.figures & b.figures)
    return 1 - shared / min(len(a.figures), len(b.figures)) > rules.figure_conflict


def subjects_conflict(a: Item, b: Item) -> bool:
    """Each headline names someone the other article mentions at most in passing: the same
    kind of news about two companies, countries or people (Sun and Phillips raising crude
    postings, the one naming the other once)."""
    return bool(a.subjects - b.prominent) and bool(b.subjects - a.prominent)


def prominent_entities(subjects: frozenset[int], counts: Mapping[int, int]) -> frozenset[int]:
    return subjects | frozenset(e for e, n in counts.items() if n > 1)


def headline_subjects(headline: str, forms: Mapping[int, Iterable[str]]) -> frozenset[int]:
    """The entities (id -> the forms the article names them by) its headline names."""
    words = _padded_words(headline)
    return frozenset(
        entity
        for entity, names in forms.items()
        if any(_padded_words(name) in words for name in names if name)
    )


@lru_cache(maxsize=50_000)
def _padded_words(text: str) -> str:
    """A text's words between spaces (so that one name is found in another by ``in``): the
    same few thousand names are looked up in every headline of an archive."""
    return f" {' '.join(text_words(text))} "


def fits_span(cluster: Cluster, item: Item, rules: Rules = RULES) -> bool:
    if item.day is None or cluster.first_day is None:
        return True
    first, last = min(cluster.first_day, item.day), max(cluster.last_day, item.day)
    return last - first <= rules.span_days


def pins_allow(cluster: Cluster, item: Item) -> bool:
    return not (cluster.pin and item.pin and cluster.pin != item.pin)


def is_copy(a: Item, b: Item) -> bool:
    """Near-exact copies: the same body (most shingles shared), the same figures."""
    if not copies.is_copy(a.signature, b.signature):
        return False
    return a.figures == b.figures or time_known(a, b) is not False


def place(
    item: Item,
    candidates: Iterable[Item],
    cluster_of: Callable[[int], Cluster | None],
    scorer: Scorer,
) -> Placement:
    """The story ``item`` joins among the clusters of ``candidates``, or none.

    ``cluster_of(article id)`` gives the cluster an already placed candidate is in, with all
    its members (the whole story is weighed, not only the candidates).
    """
    rules = scorer.rules
    kept: list[tuple[Item, Cluster, bool]] = []
    for other in candidates:
        cluster = cluster_of(other.id)
        if other.id == item.id or cluster is None or not pins_allow(cluster, item):
            continue
        if is_copy(item, other):
            return Placement(cluster.id, copy_of=other.copy_of or other.id, score=1.0)
        known = time_known(item, other, rules)
        if known is False or figures_conflict(item, other, rules):
            continue
        if subjects_conflict(item, other):
            continue
        kept.append((other, cluster, bool(known)))
    if not kept:
        return Placement(None)
    scores = scorer.likeness(item.id, [other.id for other, _, _ in kept])
    clusters: dict[int, Cluster] = {}
    for (_, cluster, known), score in zip(kept, scores, strict=True):
        if score >= (rules.near if known else rules.unknown):
            clusters[cluster.id] = cluster
    choice, choice_mean = None, 0.0
    for cluster in clusters.values():
        if not fits_span(cluster, item, rules):
            continue
        mean = _mean_likeness(item, cluster, scorer)
        if mean is not None and mean >= rules.mean and mean > choice_mean:
            choice, choice_mean = cluster, mean
    if choice is None:
        return Placement(None)
    return Placement(choice.id, score=choice_mean)


def _mean_likeness(item: Item, cluster: Cluster, scorer: Scorer) -> float | None:
    """Mean likeness to the story's articles; None when one of them is too far in time or
    contradicts it (an article must fit the whole story, not one of its articles)."""
    members = cluster.members[-60:]
    for member in members:
        if time_known(item, member, scorer.rules) is False:
            return None
        if figures_conflict(item, member, scorer.rules) or subjects_conflict(item, member):
            return None
    if not members:
        return None
    return float(scorer.likeness(item.id, [m.id for m in members]).mean())


class Grouper:
    """Places a whole archive's articles one after another, clusters kept in memory.

    Feed dated articles by date first, then undated ones by outlet and sequence
    (``processing_order``): each is weighed against those placed before it that share a rare
    entity and are close in time (or in their outlet's order), and against its copies.
    """

    def __init__(self, scorer: Scorer):
        self.scorer = scorer
        self.clusters: dict[int, Cluster] = {}
        self.cluster_of_article: dict[int, Cluster] = {}
        self.pins: dict[str, Cluster] = {}
        self.dated: dict[int, list[Item]] = {}  # rare entity -> dated items, by date
        self.undated: dict[tuple[int, int | None], list[Item]] = {}  # (entity, outlet)
        self.strict: dict[int, list[Item]] = {}  # rarest entities -> every item
        self.bands: dict[int, list[Item]] = {}
        self._next = 1

    def add(self, item: Item, keys: Iterable[int] = ()) -> Placement:
        keys = list(keys)
        pinned = self.pins.get(item.pin) if item.pin else None
        if pinned is not None:
            placement = Placement(pinned.id, score=1.0)
            for other in self._copy_candidates(keys):
                if self.cluster_of_article[other.id] is pinned and is_copy(item, other):
                    placement.copy_of = other.copy_of or other.id
                    break
        else:
            placement = place(item, self.candidates(item, keys), self.cluster_of, self.scorer)
        if placement.story is None:
            cluster = Cluster(self._next)
            self._next += 1
            self.clusters[cluster.id] = cluster
        else:
            cluster = self.clusters[placement.story]
        item.copy_of = placement.copy_of
        cluster.add(item)
        if item.pin:
            self.pins.setdefault(item.pin, cluster)
        self.cluster_of_article[item.id] = cluster
        self._remember(item, keys)
        placement.story = cluster.id
        return placement

    def cluster_of(self, article_id: int) -> Cluster | None:
        return self.cluster_of_article.get(article_id)

    def _copy_candidates(self, keys: list[int]) -> Iterable[Item]:
        for key in keys:
            yield from self.bands.get(key, ())

    def candidates(self, item: Item, keys: list[int]) -> list[Item]:
        rules, weight = self.scorer.rules, self.scorer.weight
        found: dict[int, Item] = {o.id: o for o in self._copy_candidates(keys)}
        shared: dict[int, float] = {}
        for entity in weight.rare(item.entities):
            if item.day is not None:
                block = self.dated.get(entity, ())
                for other in reversed(block):
                    if other.day < item.day - rules.window_days:
                        break
                    found[other.id] = other
                    shared[other.id] = shared.get(other.id, 0.0) + weight(entity)
            else:
                block = self.undated.get((entity, item.outlet), ())
                for other in reversed(block):
                    if other.sequence < item.sequence - rules.sequence_window:
                        break
                    found[other.id] = other
                    shared[other.id] = shared.get(other.id, 0.0) + weight(entity)
        for entity in weight.rare(item.entities, strict=True):
            for other in self.strict.get(entity, ()):
                found[other.id] = other
                shared[other.id] = shared.get(other.id, 0.0) + weight(entity)
        if len(found) > rules.candidates:
            copies_first = {o.id for o in self._copy_candidates(keys)}
            ranked = sorted(
                found.values(), key=lambda o: (o.id not in copies_first, -shared.get(o.id, 0))
            )
            return ranked[: rules.candidates]
        return list(found.values())

    def _remember(self, item: Item, keys: list[int]) -> None:
        weight = self.scorer.weight
        for entity in weight.rare(item.entities):
            if item.day is not None:
                self.dated.setdefault(entity, []).append(item)
            else:
                self.undated.setdefault((entity, item.outlet), []).append(item)
        for entity in weight.rare(item.entities, strict=True):
            self.strict.setdefault(entity, []).append(item)
        for key in keys:
            self.bands.setdefault(key, []).append(item)


def processing_order(items: Iterable[Item]) -> list[Item]:
    """Dated articles by date, then undated ones by outlet and sequence."""
    return sorted(
        items,
        key=lambda i: (i.day is None, i.day or 0, i.outlet or 0, i.sequence, i.id),
    )
