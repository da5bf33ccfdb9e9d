"""An entity's merge history in the admin: what joined it, what left it, on what evidence,
the articles that moved, and a button that undoes a merge exactly from its record."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse

from .. import corrections
from ..ingest.reconcile import editor
from ..models import Article, Entity, MergeRecord

SHOWN = 50  # records listed on an entity's page
ARTICLES_SHOWN = 20  # articles listed per record


@dataclass
class HistoryRow:
    record: MergeRecord
    joined: bool  # its articles came to this entity (else they left it)
    evidence: list[str]
    articles: list[Article]
    undoable: bool


def history(entity: Entity) -> list[HistoryRow]:
    records = list(
        MergeRecord.objects.filter(
            Q(entity=entity) | Q(old_id=entity.pk) | Q(kind=entity.kind, key=entity.key)
        ).select_related("entity", "created_by", "undone_by")[:SHOWN]
    )
    wanted = {pk for r in records for pk in r.article_ids[:ARTICLES_SHOWN]}
    articles = Article.objects.in_bulk(wanted)
    return [
        HistoryRow(
            record=r,
            joined=r.entity_id == entity.pk,
            evidence=evidence_lines(r),
            articles=[articles[pk] for pk in r.article_ids[:ARTICLES_SHOWN] if pk in articles],
            undoable=r.undone_at is None and r.entity_id is not None,
        )
        for r in records
    ]


def evidence_lines(record: MergeRecord) -> list[str]:
    """The record's evidence in words."""
    ev = record.evidence or {}
    if record.action == MergeRecord.Action.MERGE:
        return [f"{k.replace('_', ' ')}: {v}" for k, v in ev.items()]
    lines = []
    if ev.get("in_article"):
        lines.append(f"{ev['in_article']} article(s) name the person in full beside it")
    for p in ev.get("periods", ()):
        line = f"{p['period']}: {p['articles']} article(s); the period names them in full in "
        line += f"{p.get('named', 0)}, writes “{ev.get('word', '')}” alone for them in "
        line += f"{p.get('uses', 0)}, names anyone else of that name in {p.get('runner_up', 0)}"
        lines.append(line)
    if ev.get("more_periods"):
        lines.append(f"and {ev['more_periods']} more period(s)")
    return lines


def may_unmerge(model_admin, request) -> bool:
    """Unmerging makes the merged entity again and moves its articles back to it."""
    return model_admin.has_add_permission(request) and model_admin.has_change_permission(request)


def unmerge_view(model_admin, request, entity_id: int, record_id: int):
    if not may_unmerge(model_admin, request):
        raise PermissionDenied
    back = reverse("admin:articles_entity_change", args=[entity_id])
    if request.method != "POST":  # the button is on the entity's page
        return HttpResponseRedirect(back)
    record = get_object_or_404(MergeRecord, pk=record_id)
    try:
        restored = editor.unmerge(record, request.user)
    except corrections.CorrectionError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(back)
    messages.success(
        request,
        f"“{restored.name}” is its own entity again, with its {record.moved} article(s); "
        f"it will not be merged into “{record.entity_name}” again.",
    )
    return HttpResponseRedirect(reverse("admin:articles_entity_change", args=[restored.pk]))
