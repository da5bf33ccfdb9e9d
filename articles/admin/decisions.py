"""Editors' decisions about names in the admin: the suggestions `resolve_entities` could not
settle alone, each with its evidence and one-click answers, and every decision on record."""

from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .. import selectors
from ..forms.parameters import whole_number
from ..ingest.reconcile import editor
from ..models import Entity, EntityDecision

SUGGESTIONS_SHOWN = 50
ANSWERS = {
    "same": "Same entity: merged",
    "different": "Not the same: they will not be merged",
    "not_entity": "Not an entity: taken off its articles",
    "keep": "Kept as it is",
    "kind": "Refiled",
}
# What an answer does to entities needs these entity permissions besides changing decisions.
ENTITY_PERMISSIONS = {
    "same": ("change", "delete"),
    "different": (),
    "not_entity": ("change", "delete"),
    "keep": (),
    "kind": ("change", "delete"),  # refiling merges into an entity of that kind and name
}


@admin.register(EntityDecision)
class EntityDecisionAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "verdict",
        "other_name",
        "country",
        "origin",
        "score",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["origin", "verdict", "kind"]
    search_fields = ["name", "other_name"]
    readonly_fields = ["evidence", "decided_by", "decided_at"]

    def get_urls(self):
        return [
            path(
                "suggestions/",
                self.admin_site.admin_view(self.suggestions_view),
                name="articles_entitydecision_suggestions",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {"suggestions_url": reverse("admin:articles_entitydecision_suggestions")}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def may_answer(self, request, answer: str) -> bool:
        """An answer replaces the suggestion with the editor's decision (a change of decisions);
        answers that merge, drop or refile entities need what that does to entities too."""
        if not self.has_change_permission(request):
            return False
        entity_opts = Entity._meta
        return all(
            request.user.has_perm(
                f"{entity_opts.app_label}.{get_permission_codename(action, entity_opts)}"
            )
            for action in ENTITY_PERMISSIONS[answer]
        )

    def suggestions_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return self._answer(request)
        rows = []
        pending = EntityDecision.objects.filter(origin=EntityDecision.Origin.SUGGESTED)
        for suggestion in pending[:SUGGESTIONS_SHOWN]:
            subject = Entity.objects.filter(kind=suggestion.kind, key=suggestion.key).first()
            if subject is None:
                continue
            other = (
                Entity.objects.filter(kind=suggestion.other_kind, key=suggestion.other_key).first()
                if suggestion.verdict == EntityDecision.Verdict.SAME
                else None
            )
            rows.append(
                {
                    "suggestion": suggestion,
                    "subject": subject,
                    "subject_articles": subject.mentions.filter(suppressed=False).count(),
                    "subject_examples": selectors.example_sentences(subject),
                    "other": other,
                    "other_articles": other.mentions.filter(suppressed=False).count()
                    if other
                    else 0,
                    "other_examples": selectors.example_sentences(other) if other else [],
                    "reason": (suggestion.evidence or {}).get("reason", ""),
                    "evidence": {
                        k: v for k, v in (suggestion.evidence or {}).items() if k != "reason"
                    },
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Entity suggestions",
            "rows": rows,
            "waiting": pending.count(),
            "may": {answer: self.may_answer(request, answer) for answer in ANSWERS},
        }
        return TemplateResponse(request, "admin/articles/entitydecision/suggestions.html", context)

    def _answer(self, request):
        """Carry out one answer to one suggestion; anything else is refused with a message
        and changes nothing."""
        answer = request.POST.get("answer", "")
        back = HttpResponseRedirect(reverse("admin:articles_entitydecision_suggestions"))
        if answer not in ANSWERS:
            messages.error(request, f"“{answer[:40]}” is no answer: use one of the buttons.")
            return back
        if not self.may_answer(request, answer):
            raise PermissionDenied
        suggestion_id = whole_number(request.POST.get("suggestion", ""))
        suggestion = EntityDecision.objects.filter(
            pk=suggestion_id, origin=EntityDecision.Origin.SUGGESTED
        ).first()
        if suggestion is None:
            messages.error(request, "That suggestion has been answered already or is gone.")
            return back
        subject = Entity.objects.filter(kind=suggestion.kind, key=suggestion.key).first()
        if subject is None:
            messages.error(request, "That suggestion is no longer current; the list is updated.")
            suggestion.delete()
            return back
        other = (
            Entity.objects.filter(kind=suggestion.other_kind, key=suggestion.other_key).first()
            if suggestion.verdict == EntityDecision.Verdict.SAME
            else None
        )
        if answer in ("same", "different") and other is None:
            messages.error(request, f"“{suggestion.other_name}” no longer exists.")
            return back
        if answer == "kind" and suggestion.verdict != EntityDecision.Verdict.KIND:
            messages.error(request, f"Nothing suggests refiling “{suggestion.name}”.")
            return back
        if answer == "same":
            editor.same(subject, other, request.user)
        elif answer == "different":
            editor.different(subject, other, request.user)
        elif answer == "not_entity":
            editor.not_an_entity(subject, request.user)
        elif answer == "keep":
            editor.is_an_entity(subject, request.user)
        else:
            editor.of_kind(subject, suggestion.other_kind, request.user)
        suggestion.delete()
        messages.success(request, f"{suggestion.name}: {ANSWERS[answer]}.")
        return back
