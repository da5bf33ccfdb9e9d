"""The whole archive as JSON Lines, and back: a backup that outlives database engines.

``export_archive`` writes one JSON object per line, each with a ``"type"``:

- ``"newsroom-export"``: the first line, with the format ``version`` and the export time;
- ``"source"``: an outlet; ``"source_redirect"``: an old slug of one (``"source"``: name);
- ``"entity"``: a place, organization or person;
- ``"alias"`` and ``"redirect"``: another name of an entity, an old slug of one
  (``"entity": [kind, slug]``);
- ``"decision"``: an editor's or the archive's decision about names (EntityDecision: same,
  different, not an entity, another kind or country), by names, not rows, with
  ``decided_by`` as a user name;
- ``"article"``: an article with its original text, ``locked_fields``, its date with how it
  was obtained, its ``"authors"`` (names, in byline order) and its ``"mentions"`` embedded,
  editors' corrections included (``origin``, ``suppressed``,
  ``changed_by`` as a user name, linked again on restore when that account exists; the
  restore report counts the corrections whose editor has no account there), and its story:
  ``"story"`` (the story's id), ``"story_lead"`` (true for the article lists show for it),
  ``"copy_of"`` (the id of the article it is a copy of) and ``"story_decision"`` (an
  editor's split, move or merge: its ``group``, ``note`` and ``decided_by``).

Every stored column is written (new columns are picked up without changing this module);
relations are written as natural keys (outlet name, entity kind and slug), so the file can
be restored into any database. ``restore_records`` reads the records back: safe to run twice
(an article whose fingerprint is already stored is a duplicate, outlets and entities are
matched by name and slug), one bad record is reported and skipped, articles keep their ids
(and so their URLs) when those are free. The search index is not part of the export: it is
rebuilt from the database afterwards.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from .ingest import ImportReport
from .ingest.authors import AuthorResolver, set_authors
from .ingest.stories import group_new_articles_safely, recount_stories
from .models import (
    Article,
    Authorship,
    Entity,
    EntityAlias,
    EntityDecision,
    EntityRedirect,
    Mention,
    Source,
    SourceRedirect,
    Story,
    StoryDecision,
)
from .search import queue

logger = logging.getLogger(__name__)

FORMAT = "newsroom-export"
VERSION = 1
RECORD_TYPES = ("source", "source_redirect", "entity", "alias", "redirect", "decision", "article")


class ExportFormatError(ValueError):
    pass


@dataclass
class RestoreReport(ImportReport):
    """An import report that also says which editors' names a restore could not keep."""

    # user name -> editors' corrections restored without it (no such account here: Mention
    # links its editor to an account, so the name itself cannot be kept).
    unlinked_editors: dict[str, int] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        text = super().summary
        lost = sum(self.unlinked_editors.values())
        if lost:
            names = ", ".join(repr(name) for name in sorted(self.unlinked_editors))
            text += (
                f"; {lost} editor correction{'' if lost == 1 else 's'} restored without the "
                f"editor's name (no account named {names} here: create the accounts before "
                "restoring to keep the names)"
            )
        return text


class _Encoder(DjangoJSONEncoder):
    # DjangoJSONEncoder drops microseconds; a backup keeps them.
    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


def _plain_fields(model: type[models.Model]) -> list[models.Field]:
    """Stored columns that are not the primary key or a relation."""
    return [f for f in model._meta.concrete_fields if not f.primary_key and not f.is_relation]


def _values(obj: models.Model) -> dict[str, Any]:
    return {f.name: f.value_from_object(obj) for f in _plain_fields(type(obj))}


def _auto_timestamps(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in _plain_fields(model)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]


def _entity_ref(entity: Entity) -> list[str]:
    return [entity.kind, entity.slug]


# --- Export ---------------------------------------------------------------------------


def archive_records(*, chunk_size: int = 500) -> Iterator[dict[str, Any]]:
    """Every record of the archive, in the order a restore needs them."""
    yield {"type": FORMAT, "version": VERSION, "exported_at": timezone.now()}
    for source in Source.objects.order_by("id").iterator(chunk_size=chunk_size):
        yield {"type": "source", **_values(source)}
    outlet_redirects = SourceRedirect.objects.select_related("source").order_by("id")
    for redirect in outlet_redirects.iterator(chunk_size=chunk_size):
        yield {"type": "source_redirect", **_values(redirect), "source": redirect.source.name}
    for entity in Entity.objects.order_by("id").iterator(chunk_size=chunk_size):
        yield {"type": "entity", **_values(entity)}
    aliases = EntityAlias.objects.select_related("entity").order_by("id")
    for alias in aliases.iterator(chunk_size=chunk_size):
        yield {"type": "alias", **_values(alias), "entity": _entity_ref(alias.entity)}
    redirects = EntityRedirect.objects.select_related("entity").order_by("id")
    for redirect in redirects.iterator(chunk_size=chunk_size):
        yield {"type": "redirect", **_values(redirect), "entity": _entity_ref(redirect.entity)}
    decisions = EntityDecision.objects.select_related("decided_by").order_by("id")
    for decision in decisions.iterator(chunk_size=chunk_size):
        yield {
            "type": "decision",
            **_values(decision),
            "decided_by": decision.decided_by.get_username() if decision.decided_by_id else None,
        }
    leads = set(Story.objects.exclude(lead=None).values_list("lead_id", flat=True))
    articles = (
        Article.objects.select_related("source", "story_decision__decided_by")
        .prefetch_related(
            models.Prefetch(
                "mentions",
                queryset=Mention.objects.select_related("entity", "changed_by").order_by("id"),
            ),
            models.Prefetch("authorships", queryset=Authorship.objects.select_related("author")),
        )
        .order_by("id")
    )
    for article in articles.iterator(chunk_size=chunk_size):
        yield {
            "type": "article",
            "id": article.id,
            **_values(article),
            "source": article.source.name if article.source_id else None,
            "authors": [author.name for author in article.author_list],
            "mentions": [
                {
                    **_values(mention),
                    "entity": _entity_ref(mention.entity),
                    "changed_by": mention.changed_by.get_username()
                    if mention.changed_by_id
                    else None,
                }
                for mention in article.mentions.all()
            ],
            "story": article.story_id,
            "story_lead": article.id in leads,
            "copy_of": article.copy_of_id,
            "story_decision": _story_decision(article),
        }


def _story_decision(article: Article) -> dict[str, Any] | None:
    try:
        decision = article.story_decision
    except StoryDecision.DoesNotExist:
        return None
    return {
        "group": decision.group,
        "note": decision.note,
        "decided_by": decision.decided_by.get_username() if decision.decided_by_id else None,
        "decided_at": decision.decided_at,
    }


@contextlib.contextmanager
def read_snapshot() -> Iterator[None]:
    """Run the queries inside in one read-only transaction: one view of the database.

    The export reads each record type with its own query; on a live site an article saved
    between two of them would be exported without its new outlet or entities.
    """
    if connection.in_atomic_block:  # the caller's transaction is the snapshot
        yield
        return
    if connection.vendor == "sqlite":
        # atomic() would BEGIN IMMEDIATE (settings' transaction_mode) and hold the write lock
        # for the whole export; a deferred BEGIN is a WAL read snapshot that blocks no writer.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # READ COMMITTED (the default) takes a new snapshot for every statement.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def export_archive(stream: IO[str]) -> dict[str, int]:
    """Write the whole archive to ``stream`` as JSON Lines; return how many of each type.

    Everything is read in one snapshot (``read_snapshot``), so an export taken while editors
    work is the archive as it was at one moment.
    """
    counts = dict.fromkeys(RECORD_TYPES, 0)
    with read_snapshot():
        for record in archive_records():
            stream.write(json.dumps(record, cls=_Encoder, ensure_ascii=False))
            stream.write("\n")
            if record["type"] in counts:
                counts[record["type"]] += 1
    return counts


# --- Restore --------------------------------------------------------------------------


def is_export_record(record: Any) -> bool:
    """True for a line of a newsroom export (what import_articles routes here)."""
    return isinstance(record, dict) and record.get("type") in (FORMAT, *RECORD_TYPES)


def read_records(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ExportFormatError(f"line {number} is not JSON: {exc}") from exc
        if not is_export_record(record):
            raise ExportFormatError(f"line {number} is not a newsroom export record")
        yield record


def _field_values(model: type[models.Model], record: dict[str, Any]) -> dict[str, Any]:
    """Known columns of ``model`` found in ``record``, converted from their JSON form."""
    values = {}
    for f in _plain_fields(model):
        if f.name in record:
            value = record[f.name]
            values[f.name] = value if isinstance(f, models.JSONField) else f.to_python(value)
    return values


def _keep_timestamps(obj: models.Model, values: dict[str, Any]) -> None:
    # auto_now/auto_now_add overwrite these on save(); update() leaves them as exported.
    stamps = {name: values[name] for name in _auto_timestamps(type(obj)) if name in values}
    if stamps:
        type(obj).objects.filter(pk=obj.pk).update(**stamps)
        for name, value in stamps.items():
            setattr(obj, name, value)


class _Restorer:
    def __init__(self, report: RestoreReport) -> None:
        self.report = report
        self.sources: dict[str, int] = {}
        self.entities: dict[tuple[str, str], int] = {}
        self.users: dict[str, int | None] = {}
        self.explicit_ids = False
        self.article_ids: list[int] = []
        self.authors = AuthorResolver()
        self.exported_ids: dict[int, int] = {}  # exported article id -> id here
        self.stories: dict[int, int] = {}  # exported story id -> story here
        self.copies: list[tuple[int, int]] = []  # (article here, exported id of its original)

    def source_id(self, name: str | None) -> int | None:
        if not name:
            return None
        if name not in self.sources:
            found = Source.objects.filter(name=name).values_list("id", flat=True).first()
            if found is None:
                raise ValueError(f"outlet {name!r} is not in the export nor the database")
            self.sources[name] = found
        return self.sources[name]

    def entity_id(self, ref: list[str]) -> int:
        kind, slug = ref
        if (kind, slug) not in self.entities:
            found = Entity.objects.filter(kind=kind, slug=slug).values_list("id", flat=True).first()
            if found is None:
                found = (
                    EntityRedirect.objects.filter(kind=kind, old_slug=slug)
                    .values_list("entity_id", flat=True)
                    .first()
                )
            if found is None:
                raise ValueError(f"{kind} {slug!r} is not in the export nor the database")
            self.entities[(kind, slug)] = found
        return self.entities[(kind, slug)]

    def user_id(self, username: str | None) -> int | None:
        if not username:
            return None
        if username not in self.users:
            User = get_user_model()
            self.users[username] = (
                User.objects.filter(**{User.USERNAME_FIELD: username})
                .values_list("id", flat=True)
                .first()
            )
        return self.users[username]

    def source(self, record: dict[str, Any]) -> None:
        values = _field_values(Source, record)
        existing = Source.objects.filter(name=values["name"]).first()
        if existing is None:
            existing = Source.objects.create(**values)
            _keep_timestamps(existing, values)
        self.sources[existing.name] = existing.id

    def source_redirect(self, record: dict[str, Any]) -> None:
        values = _field_values(SourceRedirect, record)
        SourceRedirect.objects.get_or_create(
            old_slug=values.pop("old_slug"),
            defaults={**values, "source_id": self.source_id(record["source"])},
        )

    def entity(self, record: dict[str, Any]) -> None:
        values = _field_values(Entity, record)
        kind, slug, key = values["kind"], values["slug"], values["key"]
        existing = (
            Entity.objects.filter(kind=kind, slug=slug).first()
            or Entity.objects.filter(kind=kind, key=key).first()
        )
        if existing is None:
            existing = Entity.objects.create(**values)
            _keep_timestamps(existing, values)
        self.entities[(kind, slug)] = existing.id

    def alias(self, record: dict[str, Any]) -> None:
        values = _field_values(EntityAlias, record)
        EntityAlias.objects.get_or_create(
            kind=values.pop("kind"),
            key=values.pop("key"),
            defaults={**values, "entity_id": self.entity_id(record["entity"])},
        )

    def redirect(self, record: dict[str, Any]) -> None:
        values = _field_values(EntityRedirect, record)
        EntityRedirect.objects.get_or_create(
            kind=values.pop("kind"),
            old_slug=values.pop("old_slug"),
            defaults={**values, "entity_id": self.entity_id(record["entity"])},
        )

    def decision(self, record: dict[str, Any]) -> None:
        values = _field_values(EntityDecision, record)
        unique = {
            k: values.pop(k, "")
            for k in ("kind", "key", "verdict", "other_kind", "other_key", "origin")
        }
        EntityDecision.objects.update_or_create(
            **unique, defaults={**values, "decided_by_id": self.user_id(record.get("decided_by"))}
        )

    def article(self, record: dict[str, Any], label: str) -> None:
        values = _field_values(Article, record)
        existing = Article.objects.filter(fingerprint=values["fingerprint"]).first()
        if existing is not None:
            self.report.duplicates.append((label, existing.id))
            if isinstance(record.get("id"), int):
                self.exported_ids[record["id"]] = existing.id
            return
        mentions, unlinked = [], []
        for m in record.get("mentions") or []:
            editor = m.get("changed_by")
            editor_id = self.user_id(editor)
            if editor and editor_id is None:
                unlinked.append(editor)
            mentions.append(
                Mention(
                    entity_id=self.entity_id(m["entity"]),
                    changed_by_id=editor_id,
                    **_field_values(Mention, m),
                )
            )
        article = Article(source_id=self.source_id(record.get("source")), **values)
        wanted_id = record.get("id")
        if isinstance(wanted_id, int) and not Article.objects.filter(id=wanted_id).exists():
            article.id = wanted_id
            self.explicit_ids = True
        article.save(force_insert=True)
        _keep_timestamps(article, values)
        for mention in mentions:
            mention.article = article
        Mention.objects.bulk_create(mentions)
        set_authors(article, record.get("authors") or [], self.authors)
        self.report.created.append((label, article.id))
        for editor in unlinked:
            self.report.unlinked_editors[editor] = self.report.unlinked_editors.get(editor, 0) + 1
        self.article_ids.append(article.id)
        if isinstance(wanted_id, int):
            self.exported_ids[wanted_id] = article.id
        self.article_story(article, record)

    def article_story(self, article: Article, record: dict[str, Any]) -> None:
        """The restored article's story (a story of its own id when that is free), its copy
        link and an editor's decision about it."""
        exported = record.get("story")
        if isinstance(exported, int):
            story_id = self.stories.get(exported)
            if story_id is None:
                story = (
                    Story(id=exported)
                    if not Story.objects.filter(id=exported).exists()
                    else Story()
                )
                story.save(force_insert=True)
                self.explicit_ids |= story.id == exported
                story_id = self.stories[exported] = story.id
            Article.objects.filter(pk=article.pk).update(story_id=story_id)
            if record.get("story_lead"):
                Story.objects.filter(pk=story_id).update(lead=article)
        if isinstance(record.get("copy_of"), int):
            self.copies.append((article.id, record["copy_of"]))
        decision = record.get("story_decision")
        if isinstance(decision, dict) and decision.get("group"):
            made = StoryDecision.objects.create(
                article=article,
                group=str(decision["group"])[:32],
                note=str(decision.get("note") or "")[:300],
                decided_by_id=self.user_id(decision.get("decided_by")),
            )
            if decision.get("decided_at"):
                StoryDecision.objects.filter(pk=made.pk).update(
                    decided_at=StoryDecision._meta.get_field("decided_at").to_python(
                        decision["decided_at"]
                    )
                )

    def finish_stories(self) -> None:
        """Copy links to the articles' ids here, each restored story's counts, and a story
        for the restored articles an export without stories brought."""
        for article_id, original in self.copies:
            if original in self.exported_ids:
                Article.objects.filter(pk=article_id).update(copy_of_id=self.exported_ids[original])
        recount_stories(self.stories.values())
        ungrouped = list(
            Article.objects.filter(id__in=self.article_ids, story__isnull=True).values_list(
                "id", flat=True
            )
        )
        group_new_articles_safely(ungrouped)

    def reset_sequences(self) -> None:
        """After inserting explicit ids, PostgreSQL's id sequence must move past them."""
        if not self.explicit_ids:
            return
        statements = connection.ops.sequence_reset_sql(no_style(), [Article, Story])
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


def _label(record: dict[str, Any], number: int) -> str:
    kind = record.get("type", "record")
    name = (
        record.get("original_name")
        or record.get("headline")
        or record.get("name")
        or record.get("old_slug")
        or ""
    )
    return f"{kind} #{number}" + (f" {name!r}" if name else "")


def restore_records(records: Iterable[dict[str, Any]], *, index: bool = True) -> RestoreReport:
    """Write exported records into the database; return what was created, found, refused.

    ``created``/``duplicates`` list articles (label, id); ``failed`` lists any record that
    could not be stored, with the reason; ``unlinked_editors`` counts editors' corrections
    whose editor has no account in this database (restored without the name, which the
    summary says). Each record is written in its own transaction.
    Restored articles are queued for the search index like any other save, and the queue is
    drained every few hundred articles (as bulk imports do), not after each article's commit;
    with ``index=False`` the tasks stay queued for ``manage.py index_worker``.
    """
    report = RestoreReport()
    restorer = _Restorer(report)
    drains = queue.BatchedDrain(enabled=index)
    with queue.deferred():
        for number, record in enumerate(records, 1):
            kind = record.get("type") if isinstance(record, dict) else None
            if kind == FORMAT:
                if int(record.get("version", 0)) > VERSION:
                    report.failed.append(
                        (
                            _label(record, number),
                            f"export format version {record.get('version')} is newer than "
                            f"this Newsroom reads ({VERSION}): upgrade Newsroom first",
                        )
                    )
                    break
                continue
            label = _label(record, number) if isinstance(record, dict) else f"record #{number}"
            if kind not in RECORD_TYPES:
                report.failed.append((label, f"unknown record type {kind!r}"))
                continue
            created_before = len(report.created)
            try:
                with transaction.atomic():
                    if kind == "article":
                        restorer.article(record, label)
                    else:
                        getattr(restorer, kind)(record)
            except (DatabaseError, ValidationError, ValueError, KeyError, TypeError) as exc:
                # DatabaseError: also what PostgreSQL raises for a value SQLite took (a NUL
                # in an old original); the record's transaction is rolled back.
                logger.warning("could not restore %s: %s", label, exc)
                report.failed.append((label, f"could not be restored: {exc}"))
            drains.added(len(report.created) - created_before)
    restorer.reset_sequences()
    restorer.finish_stories()
    drains.finish()
    return report


def looks_like_export(path: str) -> bool:
    """True when the file at ``path`` starts with a newsroom export header line."""
    try:
        with open(path, encoding="utf-8") as stream:
            for line in stream:
                if line.strip():
                    record = json.loads(line)
                    return isinstance(record, dict) and record.get("type") == FORMAT
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return False


def restore_file(path: str, *, index: bool = True) -> RestoreReport:
    """Restore an ``export_articles`` file (see ``restore_records``)."""
    with open(path, encoding="utf-8") as stream:
        return restore_records(read_records(stream), index=index)
