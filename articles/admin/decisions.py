"""Editors' decisions about names in the admin: the suggestions `resolve_entities` could not
settle alone, each with its evidence and one-click answers, and every decision on record."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .. import selectors
from ..extraction.names import name_key
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
    "refile": "Refiled",
}
# What an answer does to entities needs these entity permissions besides changing decisions.
ENTITY_PERMISSIONS = {
    "same": ("change", "delete"),
    "different": (),
    "not_entity": ("change", "delete"),
    "keep": (),
    "country": ("change",),
    "kind": ("change", "delete"),  # refiling merges into an entity of that kind and name
    "refile": ("change", "delete"),
}
# A decision written in the admin's form is carried out at once: what it does to entities
# needs the same permissions as the suggestion answer that does the same.
VERDICT_ANSWERS = {
    EntityDecision.Verdict.SAME: "same",
    EntityDecision.Verdict.DIFFERENT: "different",
    EntityDecision.Verdict.NOT_ENTITY: "not_entity",
    EntityDecision.Verdict.KIND: "kind",
    EntityDecision.Verdict.COUNTRY: "country",
    EntityDecision.Verdict.ENTITY: "keep",
}


class DecisionForm(forms.ModelForm):
    """An editor's decision by names; the keys the archive looks names up by follow them."""

    class Meta:
        model = EntityDecision
        fields = ["kind", "name", "verdict", "other_kind", "other_name", "country"]

    def clean(self):
        data = super().clean()
        verdict, other_kind = data.get("verdict"), data.get("other_kind")
        if not name_key(data.get("name") or ""):
            self.add_error("name", "Give a name with at least one letter or digit.")
        needs_other = verdict in (EntityDecision.Verdict.SAME, EntityDecision.Verdict.DIFFERENT)
        if needs_other and not (other_kind and name_key(data.get("other_name") or "")):
            self.add_error("other_name", "Name the other entity and its kind.")
        if verdict == EntityDecision.Verdict.KIND and not other_kind:
            self.add_error("other_kind", "Choose the kind it is.")
        return data

    def save(self, commit=True):
        decision = super().save(commit=False)
        decision.key = name_key(decision.name)[:300]
        if decision.verdict == EntityDecision.Verdict.KIND:
            decision.other_key = decision.key
        elif decision.other_name:
            decision.other_key = name_key(decision.other_name)[:300]
        decision.origin = EntityDecision.Origin.EDITOR
        if commit:
            decision.save()
        return decision


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
    form = DecisionForm

    def save_model(self, request, obj, form, change):
        """An editor's decision takes effect at once, not at the next resolve_entities; so it
        needs the permissions on entities that carrying it out takes."""
        if not self.may_answer(request, VERDICT_ANSWERS.get(obj.verdict, "keep")):
            raise PermissionDenied
        obj.decided_by = request.user
        super().save_model(request, obj, form, change)
        self.message_user(request, editor.carry_out(obj, request.user))

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
            "kinds": Entity.Kind.choices,
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
        elif answer == "refile":
            kind = request.POST.get("kind", "")
            if kind not in Entity.Kind.values or kind == subject.kind:
                messages.error(request, "Choose the kind to refile it under.")
                return back
            editor.of_kind(subject, kind, request.user)
        else:
            editor.of_kind(subject, suggestion.other_kind, request.user)
        suggestion.delete()
        messages.success(request, f"{suggestion.name}: {ANSWERS[answer]}.")
        return back
