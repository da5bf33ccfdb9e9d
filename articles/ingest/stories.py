"""Stories: which stored articles report one event, written to the database.

The rules are pure (articles.similarity.grouping); this module reads what they weigh (leads,
entities, dates, outlets, copy signatures, editors' pins) and writes Story rows,
``Article.story`` and ``Article.copy_of``. Two ways in:

- ``group_archive``: the whole archive in one pass (``manage.py group_stories``). Safe to
  re-run: a story keeps its id while most of its articles stay together, and nothing is
  written for what did not change.
- ``group_new_articles``: articles just stored (imports, uploads) each join a story or start
  one, weighed against the archive as it is.

Story membership is not in the search index (results are collapsed from the database by the
search service), so regrouping never re-indexes.
"""

from __future__ import annotations

import datetime
import logging
import time
from bisect import insort
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from sys import intern

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import Substr

from ..models import Article, CommonWord, CopyKey, Mention, Story, StoryDecision
from ..similarity import copies
from ..similarity.grouping import (
    RULES,
    Cluster,
    EntityWeights,
    Grouper,
    Item,
    Placement,
    Rules,
    Scorer,
    headline_subjects,
    place,
    processing_order,
    prominent_entities,
)
from ..similarity.text import (
    LEAD_CHARS,
    WordWeights,
    document_shares,
    figures,
    lead,
    text_vector,
    words,
)

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
CHUNK = 1000


@dataclass
class GroupingReport:
    articles: int = 0
    stories: int = 0  # of more than one article
    grouped: int = 0  # articles in those
    copies: int = 0
    changed: int = 0  # articles whose story or copy link changed
    created: int = 0  # stories created
    removed: int = 0  # stories left empty and deleted
    seconds: dict[str, float] = field(default_factory=dict)
    # article id -> its group (the story id once written; a number of its own in a dry run)
    groups: dict[int, int] = field(default_factory=dict, repr=False)

    @property
    def summary(self) -> str:
        return (
            f"{self.articles:,} articles: {self.stories:,} stories of several articles "
            f"holding {self.grouped:,} ({self.copies:,} copies); {self.changed:,} articles "
            f"changed story, {self.created:,} stories created, {self.removed:,} removed"
        )


@dataclass
class _Row:
    item: Item
    lead: list[str]  # the words of its headline and lead
    keys: tuple[int, ...]
    date: datetime.date | None


def _rows(article_ids: list[int], pins: dict[int, str], signed: set[int] | None = None):
    """Articles as grouping sees them, read a chunk at a time with their mentions (bodies
    are long, and a whole archive's mentions would hold every surface form at once).

    ``signed``: the articles whose copy signature is needed (None: all); the rest are
    weighed by their text only."""
    for start in range(0, len(article_ids), CHUNK):
        chunk = article_ids[start : start + CHUNK]
        entities = _mentions(chunk)
        articles = Article.objects.filter(id__in=chunk).order_by("id")
        if signed is not None:  # the start of the body is all the others need
            articles = articles.annotate(lead=Substr("body", 1, LEAD_CHARS))
        body = "body" if signed is None else "lead"
        fields = ("id", "source_id", "date", "date_precision", "headline", body)
        # The possible copies' whole bodies (their copy signature), in one query.
        bodies = (
            dict(Article.objects.filter(id__in=signed & set(chunk)).values_list("id", "body"))
            if signed
            else {}
        )
        for article_id, source_id, date, precision, headline, body in articles.values_list(*fields):
            body = bodies.get(article_id, body)
            sign = signed is None or article_id in signed
            signature = copies.signature(body) if sign else None
            text = lead(headline, body)
            tokens = [intern(w) for w in words(text)]  # one string per word: 66k leads fit
            named = entities.get(article_id, {})
            subjects = headline_subjects(headline, {e: forms for e, (forms, _) in named.items()})
            item = Item(
                id=article_id,
                outlet=source_id,
                day=_day(date, precision),
                sequence=article_id,
                entities=frozenset(named),
                figures=figures(tokens),
                subjects=subjects,
                prominent=prominent_entities(subjects, {e: n for e, (_, n) in named.items()}),
                signature=signature,
                pin=pins.get(article_id, ""),
            )
            keys = tuple(copies.band_keys(signature)) if signature is not None else ()
            yield _Row(item, tokens, keys, date)


def _day(date: datetime.date | None, precision: str) -> int | None:
    """The day grouping places an article on: its date (stated or inferred, articles.ingest.
    dating) when that is a day; a month or a year is too coarse for a story's window, and
    the article is weighed as undated."""
    return date.toordinal() if date and precision == Article.DatePrecision.DAY else None


def _mentions(article_ids: Iterable[int]):
    """article id -> {entity id: (the forms the article names it by, how often)}."""
    found: dict[int, dict[int, tuple[list[str], int]]] = defaultdict(dict)
    mentions = Mention.objects.filter(suppressed=False, article_id__in=list(article_ids))
    rows = mentions.values_list("article_id", "entity_id", "surface_forms", "entity__name", "count")
    for article_id, entity_id, forms, name, count in rows:
        found[article_id][entity_id] = ([*(forms or ()), name], count)
    return found


def _pins(article_ids: Iterable[int] | None = None) -> dict[int, str]:
    decisions = StoryDecision.objects.all()
    if article_ids is not None:
        decisions = decisions.filter(article_id__in=list(article_ids))
    return dict(decisions.values_list("article_id", "group"))


def entity_counts(entity_ids: Iterable[int] | None = None) -> dict[int, int]:
    """entity id -> articles naming it. Editors' removals are counted too: the entity index
    alone answers, where reading each mention row would take a tenth of a second for a
    place named in 20,000 articles (and a weight hardly changes for a few removals)."""
    mentions = Mention.objects.all()
    if entity_ids is not None:
        mentions = mentions.filter(entity_id__in=list(entity_ids))
    return dict(
        mentions.order_by()
        .values("entity_id")
        .annotate(n=Count("entity_id"))
        .values_list("entity_id", "n")
    )


COUNTS_KEPT_SECONDS = 600
_counts: dict[int, int] = {}
_counts_since = 0.0


def recent_entity_counts(
    entity_ids: Iterable[int], *, just_stored: Iterable[frozenset[int]] = ()
) -> dict[int, int]:
    """``entity_counts`` kept by this process for a few minutes: a weight needs the order of
    magnitude, and an upload's articles name the same places again and again.

    ``just_stored``: the entities of each article stored since the last call (the articles
    being grouped). A count read now includes them; a count kept from before does not, and
    is raised by them: an import into a young archive would otherwise weigh a place it first
    met in its first batch, and has since met in thousands of articles, as rare."""
    global _counts_since
    if time.monotonic() - _counts_since > COUNTS_KEPT_SECONDS:
        _counts.clear()
        _counts_since = time.monotonic()
    wanted = set(entity_ids)
    missing = wanted - _counts.keys()
    for entities in just_stored:
        for entity in entities & _counts.keys():
            _counts[entity] += 1
    if missing:
        found = entity_counts(missing)
        _counts.update({e: found.get(e, 0) for e in missing})
    return {e: _counts[e] for e in wanted}


_weights: tuple[tuple, WordWeights] | None = None


def word_weights() -> WordWeights:
    """The archive's word weights, kept by this process (each word's weight is looked up
    once) until group_stories writes other common words."""
    global _weights
    version = tuple(CommonWord.objects.aggregate(n=Count("word"), top=Max("share")).values())
    if _weights is None or _weights[0] != version:
        _weights = (version, WordWeights(dict(CommonWord.objects.values_list("word", "share"))))
    return _weights[1]


# --- the whole archive -----------------------------------------------------------------------


def group_archive(
    *, dry_run: bool = False, progress: Progress | None = None, rules: Rules = RULES
) -> GroupingReport:
    """Group every article into stories; editors' decisions (pins) are kept."""
    report = GroupingReport()
    clock = time.monotonic()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.monotonic()
        report.seconds[stage] = report.seconds.get(stage, 0.0) + now - clock
        clock = now

    total = Article.objects.count()
    report.articles = total
    counts = entity_counts()
    pins = _pins()
    lap("entities")
    rows: list[_Row] = []
    ids = list(Article.objects.order_by("id").values_list("id", flat=True))
    for n, row in enumerate(_rows(ids, pins), 1):
        rows.append(row)
        if progress and (n % 500 == 0 or n == total):
            progress("reading", n, total)
    lap("reading")
    shares = document_shares(r.lead for r in rows)
    weights = WordWeights(shares)
    scorer = Scorer(EntityWeights(counts, total, rules), rules)
    for n, row in enumerate(rows, 1):
        scorer.add(row.item.id, text_vector(row.lead, weights), row.item.entities)
        row.lead = []  # the vector has what is needed
        if progress and (n % 500 == 0 or n == total):
            progress("weighing", n, total)
    scorer.matrix  # noqa: B018 - built once, before placing
    lap("weighing")
    grouper = Grouper(scorer)
    by_id = {r.item.id: r for r in rows}
    for n, item in enumerate(processing_order(r.item for r in rows), 1):
        grouper.add(item, by_id[item.id].keys)
        if progress and (n % 500 == 0 or n == total):
            progress("grouping", n, total)
    lap("grouping")
    clusters = list(grouper.clusters.values())
    report.stories = sum(1 for c in clusters if len(c.members) > 1)
    report.grouped = sum(len(c.members) for c in clusters if len(c.members) > 1)
    report.copies = sum(1 for r in rows if r.item.copy_of)
    report.groups = {m.id: c.id for c in clusters for m in c.members}
    if not dry_run:
        with transaction.atomic():
            _write_common_words(shares)
            _write_stories(clusters, scorer, {r.item.id: r.date for r in rows}, report)
            _write_copy_keys({r.item.id: r.keys for r in rows})
        lap("writing")
    return report


def _write_common_words(shares: dict[str, float]) -> None:
    CommonWord.objects.all().delete()
    CommonWord.objects.bulk_create(
        [CommonWord(word=w[:64], share=s) for w, s in shares.items() if len(w) <= 64],
        batch_size=2000,
    )


def _write_stories(
    clusters: list[Cluster],
    scorer: Scorer,
    dates: dict[int, datetime.date | None],
    report: GroupingReport,
) -> None:
    """Stories for the clusters, keeping ids: a cluster takes the existing story most of its
    articles are in (largest clusters choose first); the rest get new stories."""
    current = dict(Article.objects.values_list("id", "story_id"))
    current_copy = dict(Article.objects.filter(copy_of__isnull=False).values_list("id", "copy_of"))
    sources = dict(Article.objects.values_list("id", "source_id"))
    taken: set[int] = set()
    story_of_cluster: dict[int, int | None] = {}
    for cluster in sorted(clusters, key=lambda c: (-len(c.members), c.id)):
        votes = Counter(current.get(m.id) for m in cluster.members if current.get(m.id))
        choice = None
        for story_id, _ in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0])):
            if story_id not in taken:
                choice = story_id
                break
        if choice is not None:
            taken.add(choice)
        story_of_cluster[cluster.id] = choice
    existing = Story.objects.in_bulk(list(taken))
    fresh = [c for c in clusters if story_of_cluster[c.id] is None]
    created = Story.objects.bulk_create([Story() for _ in fresh], batch_size=1000)
    report.created = len(created)
    for cluster, story in zip(fresh, created, strict=True):
        story_of_cluster[cluster.id] = story.pk
        existing[story.pk] = story
    changed_stories = []
    article_updates: list[tuple[int | None, int | None, int]] = []
    for cluster in clusters:
        story = existing[story_of_cluster[cluster.id]]
        stats = _story_stats(cluster.members, scorer, dates, sources)
        if any(getattr(story, k) != v for k, v in stats.items()):
            for k, v in stats.items():
                setattr(story, k, v)
            changed_stories.append(story)
        for member in cluster.members:
            report.groups[member.id] = story.pk
            if current.get(member.id) != story.pk or current_copy.get(member.id) != member.copy_of:
                article_updates.append((story.pk, member.copy_of, member.id))
    if changed_stories:
        Story.objects.bulk_update(
            changed_stories,
            ["lead", "article_count", "outlet_count", "first_date", "last_date"],
            batch_size=500,
        )
    _update_articles(article_updates)
    report.changed = len(article_updates)
    emptied = Story.objects.exclude(
        pk__in=Article.objects.filter(story__isnull=False).values("story")
    )
    report.removed = emptied.count()
    emptied.delete()


def _story_stats(members: list[Item], scorer: Scorer, dates, sources) -> dict:
    days = [dates[m.id] for m in members if dates.get(m.id)]
    return {
        "lead_id": scorer.representative(members),
        "article_count": len(members),
        "outlet_count": len({sources.get(m.id) for m in members if sources.get(m.id)}),
        "first_date": min(days) if days else None,
        "last_date": max(days) if days else None,
    }


def _update_articles(updates: list[tuple[int | None, int | None, int]]) -> None:
    """story and copy_of of many articles, without touching updated_at (the search index
    does not hold them, so nothing is re-indexed)."""
    table = connection.ops.quote_name(Article._meta.db_table)
    sql = f"UPDATE {table} SET story_id = %s, copy_of_id = %s WHERE id = %s"
    with connection.cursor() as cursor:
        for start in range(0, len(updates), 5000):
            cursor.executemany(sql, updates[start : start + 5000])


def _write_copy_keys(keys: dict[int, list[int]]) -> None:
    have: dict[int, set[int]] = defaultdict(set)
    for article_id, key in CopyKey.objects.values_list("article_id", "key").iterator(
        chunk_size=50_000
    ):
        have[article_id].add(key)
    stale = [a for a in have if set(keys.get(a, ())) != have[a]]
    for start in range(0, len(stale), 500):
        CopyKey.objects.filter(article_id__in=stale[start : start + 500]).delete()
    fresh = [a for a in keys if keys[a] and (a in stale or a not in have)]
    for start in range(0, len(fresh), 1000):  # bulk_create makes a list of all it is given
        CopyKey.objects.bulk_create(
            [CopyKey(article_id=a, key=k) for a in fresh[start : start + 1000] for k in keys[a]]
        )


# --- new articles ----------------------------------------------------------------------------

# Bulk imports group their new articles this many at a time.
GROUP_EVERY = 100
# A new article is weighed against at most this many of a candidate story's latest articles.
MEMBERS_WEIGHED = 30


def group_new_articles_safely(
    article_ids: Iterable[int], seen: dict[int, _Entry] | None = None
) -> dict[int, int]:
    """``group_new_articles`` for a writer that must go on if grouping fails (an import, an
    upload): the articles stay without a story until ``manage.py group_stories`` runs."""
    try:
        return group_new_articles(article_ids, seen=seen)
    except Exception:  # noqa: BLE001 - grouping is never worth losing an import for
        logger.exception("could not group new articles into stories")
        return {}


SEEN_KEPT = 20_000  # articles a bulk import keeps weighed between its batches


def group_new_articles(
    article_ids: Iterable[int], *, rules: Rules = RULES, seen: dict[int, _Entry] | None = None
) -> dict[int, int]:
    """Give each of these (just stored) articles a story: one it reports too, or its own.

    Returns article id -> story id. Articles that already have a story are left alone.
    ``seen``: the stored articles already weighed (a bulk import passes the same dict with
    each batch: its articles are one another's candidates).

    The articles are placed one after another, each weighed against the archive and the
    articles of this batch placed before it, as if each were added on its own; what they are
    weighed against is read for the whole batch at once, and written in one transaction.
    """
    ids = list(
        Article.objects.filter(id__in=list(article_ids), story__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if not ids:
        return {}
    if seen is None:
        seen = {}
    elif len(seen) > SEEN_KEPT:
        seen.clear()
    return _NewArticles(ids, rules, seen).group()


@dataclass
class _Entry:
    item: Item
    keys: list[int]
    vector: dict
    date: datetime.date | None
    source_id: int | None


@dataclass
class _Loaded:
    entries: dict[int, _Entry]
    counts: dict[int, int] = field(default_factory=dict)


def _load_items(
    ids: list[int],
    weights: WordWeights,
    rules: Rules,
    signed: set[int] | None = None,
    *,
    just_stored: bool = False,
) -> _Loaded:
    """The articles as grouping weighs them; ``just_stored``: they are the new articles
    being grouped (their entities' kept counts are raised by them)."""
    pins = _pins(ids)
    entries = {}
    for row in _rows(ids, pins, signed):
        vector = text_vector(row.lead, weights)
        source_id = row.item.outlet
        entries[row.item.id] = _Entry(row.item, row.keys, vector, row.date, source_id)
    wanted = {e for entry in entries.values() for e in entry.item.entities}
    stored = [entry.item.entities for entry in entries.values()] if just_stored else ()
    return _Loaded(entries, recent_entity_counts(wanted, just_stored=stored))


class _NewArticles:
    """One batch of new articles placed into stories (``group_new_articles``).

    Stories created by the batch have negative numbers until they are written."""

    def __init__(self, ids: list[int], rules: Rules, seen: dict[int, _Entry]):
        self.rules, self.seen = rules, seen
        self.weights = word_weights()
        self.new = _load_items(ids, self.weights, rules, just_stored=True)
        self.total = Article.objects.count()  # these articles are stored: placing adds none
        self.story_of: dict[int, int] = {}  # article -> story, the stored and the placed
        self.members: dict[int, list[int]] = defaultdict(list)  # story -> its articles by id
        self.candidates: dict[int, list[int]] = {}

    def entry(self, article_id: int) -> _Entry | None:
        return self.new.entries.get(article_id) or self.seen.get(article_id)

    def group(self) -> dict[int, int]:
        order = processing_order(entry.item for entry in self.new.entries.values())
        scorer = self._read(order)
        created = 0
        for item in order:
            placement = self._place(item, scorer)
            story = placement.story
            if story is None:
                created -= 1
                story = created
            item.copy_of = placement.copy_of
            self.story_of[item.id] = story
            insort(self.members[story], item.id)
            self.seen[item.id] = self.new.entries[item.id]
        return self._write(scorer)

    def _read(self, order: list[Item]) -> Scorer:
        """What the batch is weighed against, in a few queries: each article's candidates
        (the stored archive holds the batch too), their stories and those stories' latest
        articles, and a scorer holding them all."""
        rules, entries = self.rules, self.new.entries
        weight = EntityWeights(self.new.counts, self.total, rules)
        signed: set[int] = set()
        for item in order:
            found, copy_candidates = _candidate_ids(item, entries[item.id].keys, weight, rules)
            self.candidates[item.id] = found
            signed |= copy_candidates
        stored = {a for found in self.candidates.values() for a in found} - entries.keys()
        self.story_of = dict(
            Article.objects.filter(id__in=stored, story__isnull=False).values_list("id", "story_id")
        )
        for article_id, story_id in (
            Article.objects.filter(story_id__in=set(self.story_of.values()))
            .order_by("id")
            .values_list("id", "story_id")
        ):
            self.members[story_id].append(article_id)
        wanted = {a for ids in self.members.values() for a in ids[-MEMBERS_WEIGHED:]}
        wanted |= self.story_of.keys()
        missing = {
            a
            for a in wanted
            if a not in self.seen or (a in signed and self.seen[a].item.signature is None)
        }
        self.seen.update(_load_items(sorted(missing), self.weights, rules, signed=signed).entries)
        weighed = {a: self.seen[a] for a in wanted if a in self.seen}
        # an editor may have decided since an article was weighed; copies are followed to
        # the article they copy
        pins = _pins(weighed)
        copy_of = dict(
            Article.objects.filter(id__in=list(weighed), copy_of__isnull=False).values_list(
                "id", "copy_of"
            )
        )
        for article_id, other in weighed.items():
            other.item.pin = pins.get(article_id, "")
            other.item.copy_of = copy_of.get(article_id)
        named = {e for entry in [*entries.values(), *weighed.values()] for e in entry.item.entities}
        counts = {**recent_entity_counts(named), **self.new.counts}
        scorer = Scorer(EntityWeights(counts, self.total, rules), rules)
        for entry in [*entries.values(), *weighed.values()]:
            scorer.add(entry.item.id, entry.vector, entry.item.entities)
        scorer.matrix  # noqa: B018 - built once, before placing
        return scorer

    def _place(self, item: Item, scorer: Scorer) -> Placement:
        clusters: dict[int, Cluster] = {}
        candidates = []
        for article_id in self.candidates[item.id]:
            story, other = self.story_of.get(article_id), self.entry(article_id)
            if story is None or other is None or article_id not in scorer.row:
                continue  # not placed yet (a later article of this batch), or not weighed
            if story not in clusters:
                cluster = clusters[story] = Cluster(story)
                for member in self.members[story][-MEMBERS_WEIGHED:]:
                    weighed = self.entry(member)
                    if weighed is not None and member in scorer.row:
                        cluster.add(weighed.item)
            candidates.append(other.item)
        return place(item, candidates, lambda a: clusters.get(self.story_of.get(a)), scorer)

    def _write(self, scorer: Scorer) -> dict[int, int]:
        new = self.new.entries
        fresh = sorted({self.story_of[a] for a in new if self.story_of[a] < 0}, reverse=True)
        with transaction.atomic():
            touched = {self.story_of[a] for a in new} - set(fresh)
            list(Story.objects.select_for_update().filter(id__in=touched).values_list("id"))
            real = dict(
                zip(fresh, Story.objects.bulk_create([Story() for _ in fresh]), strict=True)
            )
            story = {a: real[s].pk if s < 0 else s for a, s in self.story_of.items() if a in new}
            _update_articles([(story[a], new[a].item.copy_of, a) for a in sorted(new)])
            CopyKey.objects.bulk_create(
                [CopyKey(article_id=a, key=k) for a in sorted(new) for k in new[a].keys]
            )
            leads = {
                real[s].pk if s < 0 else s: self._lead(self.members[s], scorer)
                for s in {self.story_of[a] for a in new}
            }
            _recount(leads)
        return story

    def _lead(self, article_ids: list[int], scorer: Scorer) -> int:
        """The story's most representative article among those weighed (its latest), or
        among its latest 200 read again."""
        if len(article_ids) == 1:
            return article_ids[0]
        weighed = [a for a in article_ids if a in scorer.row and self.entry(a) is not None]
        if len(weighed) < 2:
            return _lead_read_again(article_ids)
        dates = {a: self.entry(a).date for a in weighed}
        members = [Item(a, None, dates[a].toordinal() if dates[a] else None, a) for a in weighed]
        return scorer.representative(members)


def _recount(leads: dict[int, int]) -> None:
    """Counts, outlets, dates and the given lead of stories that gained articles, in one
    query and one statement (the ORM's bulk_update builds a CASE per field and story)."""
    stats = (
        Article.objects.filter(story_id__in=list(leads))
        .values("story_id")
        .annotate(n=Count("id"), outlets=Count("source_id", distinct=True))
        .annotate(first=Min("date"), last=Max("date"))
        .values_list("story_id", "n", "outlets", "first", "last")
    )
    day = connection.ops.adapt_datefield_value
    rows = [(n, outs, day(first), day(last), leads[s], s) for s, n, outs, first, last in stats]
    table = connection.ops.quote_name(Story._meta.db_table)
    sql = (
        f"UPDATE {table} SET article_count = %s, outlet_count = %s, first_date = %s, "
        "last_date = %s, lead_id = %s WHERE id = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _candidate_ids(item: Item, keys: list[int], weight: EntityWeights, rules: Rules):
    """Stored articles this one could be grouped with: its copies, those sharing a rare
    entity close in time (or in its outlet's order), those sharing a rarest entity.
    Returns (the candidates, strongest first; those of them found as possible copies)."""
    found: Counter[int] = Counter()
    copy_candidates = set()
    if keys:
        for article_id in CopyKey.objects.filter(key__in=keys).values_list("article_id", flat=True):
            found[article_id] += 1000
            copy_candidates.add(article_id)
    rare = weight.rare(item.entities)
    if rare:
        near = Q()
        if item.day is not None:
            day = datetime.date.fromordinal(item.day)
            span = datetime.timedelta(days=rules.window_days)
            near = Q(
                article__date__range=(day - span, day + span),
                article__date_precision=Article.DatePrecision.DAY,
            )
        else:
            # Both bounds: an article re-grouped in the middle of its outlet's sequence would
            # otherwise walk every later article of the outlet, and fill its candidates with
            # articles too far away to join.
            near = Q(
                article__source_id=item.outlet,
                article__id__range=(
                    item.sequence - rules.sequence_window,
                    item.sequence + rules.sequence_window,
                ),
            ) & (Q(article__date=None) | ~Q(article__date_precision=Article.DatePrecision.DAY))
        strict = weight.rare(item.entities, strict=True)
        mentions = Mention.objects.filter(suppressed=False, entity_id__in=rare).filter(
            near | Q(entity_id__in=strict)
        )
        for article_id, entity_id in mentions.values_list("article_id", "entity_id")[:5000]:
            found[article_id] += weight(entity_id)
    found.pop(item.id, None)
    return [a for a, _ in found.most_common(rules.candidates)], copy_candidates


def recount_stories(story_ids: Iterable[int]) -> None:
    """Counts, outlets and dates of many stories from their articles, in a few queries; a
    story without a lead among its articles takes its first article. Stories left without
    articles are deleted."""
    ids = sorted(set(story_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        stats = {
            row["story_id"]: row
            for row in Article.objects.filter(story_id__in=chunk)
            .values("story_id")
            .annotate(
                n=Count("id"),
                outlets=Count("source_id", distinct=True),
                first=Min("date"),
                last=Max("date"),
                earliest=Min("id"),
            )
        }
        members = set(Article.objects.filter(story_id__in=chunk).values_list("story_id", "id"))
        changed = []
        for story in Story.objects.filter(id__in=chunk):
            row = stats.get(story.id)
            if row is None:
                continue
            story.article_count, story.outlet_count = row["n"], row["outlets"]
            story.first_date, story.last_date = row["first"], row["last"]
            if (story.id, story.lead_id) not in members:
                story.lead_id = row["earliest"]
            changed.append(story)
        Story.objects.bulk_update(
            changed,
            ["article_count", "outlet_count", "first_date", "last_date", "lead"],
        )
        Story.objects.filter(id__in=chunk).exclude(id__in=stats.keys()).delete()


def _lead_read_again(article_ids: list[int]) -> int:
    """The most representative of a story's latest 200 articles, their leads read again."""
    weighed = article_ids[-200:]
    weights = word_weights()
    scorer = Scorer(EntityWeights({}, 1))
    dates = {}
    for row in Article.objects.filter(id__in=weighed).values("id", "headline", "body", "date"):
        scorer.add(row["id"], text_vector(lead(row["headline"], row["body"]), weights), frozenset())
        dates[row["id"]] = row["date"]
    members = [Item(a, None, dates[a].toordinal() if dates.get(a) else None, a) for a in weighed]
    return scorer.representative(members)
