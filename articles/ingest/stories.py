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
    """
    ids = list(
        Article.objects.filter(id__in=list(article_ids), story__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if not ids:
        return {}
    weights = word_weights()
    placed = {}
    new = _load_items(ids, weights, rules, just_stored=True)
    if seen is None:
        seen = {}
    elif len(seen) > SEEN_KEPT:
        seen.clear()
    total = Article.objects.count()  # these articles are stored: placing them adds none
    for item in processing_order(entry.item for entry in new.entries.values()):
        placed[item.id] = _place_one(new.entries[item.id], new, weights, rules, seen, total)
        seen[item.id] = new.entries[item.id]
    return placed


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


def _place_one(
    entry: _Entry,
    new: _Loaded,
    weights: WordWeights,
    rules: Rules,
    seen: dict[int, _Entry],
    total: int,
) -> int:
    item = entry.item
    weight = EntityWeights(new.counts, total, rules)
    candidate_ids, copy_candidates = _candidate_ids(item, entry.keys, weight, rules)
    stories = dict(
        Article.objects.filter(id__in=candidate_ids, story__isnull=False).values_list(
            "id", "story_id"
        )
    )
    members: dict[int, list[int]] = defaultdict(list)
    for article_id, story_id in (
        Article.objects.filter(story_id__in=set(stories.values()))
        .order_by("id")
        .values_list("id", "story_id")
    ):
        members[story_id].append(article_id)
    wanted = {a for ids in members.values() for a in ids[-MEMBERS_WEIGHED:]} | set(stories)
    missing = {
        a
        for a in wanted
        if a not in seen or (a in copy_candidates and seen[a].item.signature is None)
    }
    loaded = _load_items(sorted(missing), weights, rules, signed=copy_candidates)
    for entity, n in loaded.counts.items():
        new.counts.setdefault(entity, n)
    seen.update(loaded.entries)
    loaded.entries = {a: seen[a] for a in wanted if a in seen}
    pins = _pins(loaded.entries)  # an editor may have decided since the article was weighed
    for article_id, other in loaded.entries.items():
        other.item.pin = pins.get(article_id, "")
    weight = EntityWeights(new.counts, total, rules)
    scorer = Scorer(weight, rules)
    scorer.add(item.id, entry.vector, item.entities)
    for other in loaded.entries.values():
        if other.item.id != item.id:
            scorer.add(other.item.id, other.vector, other.item.entities)
    clusters: dict[int, Cluster] = {}
    for story_id, article_ids in members.items():
        cluster = clusters[story_id] = Cluster(story_id)
        for article_id in article_ids[-MEMBERS_WEIGHED:]:
            if article_id in loaded.entries:
                cluster.add(loaded.entries[article_id].item)
    copy_of = dict(
        Article.objects.filter(id__in=list(loaded.entries), copy_of__isnull=False).values_list(
            "id", "copy_of"
        )
    )
    candidates = []
    for article_id in candidate_ids:
        if article_id in loaded.entries and article_id in stories:
            other = loaded.entries[article_id].item
            other.copy_of = copy_of.get(article_id)
            candidates.append(other)
    placement = place(item, candidates, lambda a: clusters.get(stories.get(a)), scorer)
    with transaction.atomic():
        if placement.story is None:
            story = Story.objects.create()
        else:
            story = Story.objects.select_for_update().get(pk=placement.story)
        Article.objects.filter(pk=item.id).update(story=story, copy_of=placement.copy_of)
        CopyKey.objects.bulk_create([CopyKey(article_id=item.id, key=k) for k in entry.keys])
        refresh_story(story, scorer=scorer)
    return story.pk


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
            near = Q(
                article__source_id=item.outlet,
                article__id__gte=item.sequence - rules.sequence_window,
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


def refresh_story(story: Story, *, scorer: Scorer | None = None) -> None:
    """Recount a story's articles, outlets and dates and choose its lead again."""
    rows = list(story.articles.values_list("id", "source_id", "date"))
    if not rows:
        story.delete()
        return
    days = [p for _, _, p in rows if p]
    story.article_count = len(rows)
    story.outlet_count = len({s for _, s, _ in rows if s})
    story.first_date = min(days) if days else None
    story.last_date = max(days) if days else None
    if len(rows) == 1:
        story.lead_id = rows[0][0]
    else:
        story.lead_id = _lead_of([r[0] for r in rows], scorer)
    story.save()


def _lead_of(article_ids: list[int], scorer: Scorer | None) -> int:
    """The story's most representative article among those the scorer weighed (a new
    article's placement weighs the story's latest), or among its latest 200."""
    weighed = [a for a in article_ids if scorer is not None and a in scorer.row]
    if len(weighed) < 2:
        weighed, scorer = article_ids[-200:], None
    if scorer is None:
        weights = word_weights()
        scorer = Scorer(EntityWeights({}, 1))
        for row in Article.objects.filter(id__in=weighed).values("id", "headline", "body"):
            vector = text_vector(lead(row["headline"], row["body"]), weights)
            scorer.add(row["id"], vector, frozenset())
    dates = dict(Article.objects.filter(id__in=weighed).values_list("id", "date"))
    members = [Item(a, None, dates[a].toordinal() if dates.get(a) else None, a) for a in weighed]
    return scorer.representative(members)
