"""Outlets, entities, aliases and redirects in the admin: renames and merges that last."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from .. import corrections
from ..extraction.names import name_key
from ..ingest.reconcile import editor
from ..models import (
    Entity,
    EntityAlias,
    EntityRedirect,
    Source,
    SourceRedirect,
)
from . import merge_history


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        old_slug = form.initial.get("slug", "") if change else ""
        super().save_model(request, obj, form, change)  # re-indexes its articles (signals)
        if change and "slug" in form.changed_data:
            corrections.source_slug_changed(obj, old_slug, request.user)


@admin.register(SourceRedirect)
class SourceRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "source"]
    search_fields = ["old_slug", "source__name"]
    autocomplete_fields = ["source"]


MERGE_HINT = (
    "to make them one entity, select both in the entity list and use "
    "“Merge selected entities into one…”."
)


class AliasFormSet(forms.BaseInlineFormSet):
    """Aliases are looked up by (kind, folded name): each must be new to every entity."""

    def clean(self):
        super().clean()
        entity = self.instance
        own_key = entity.key or name_key(entity.name)
        kind_label = entity.get_kind_display().lower() if entity.kind else "entity"
        seen: dict[str, str] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("name"):
                continue
            name = " ".join(data["name"].split())
            key = name_key(name)
            if not key:
                form.add_error("name", "Give the alias at least one letter or digit.")
                continue
            taken = EntityAlias.objects.filter(kind=entity.kind, key=key).select_related("entity")
            if form.instance.pk:
                taken = taken.exclude(pk=form.instance.pk)
            taken = taken.first()
            owner = (
                Entity.objects.filter(kind=entity.kind, key=key).exclude(pk=entity.pk).first()
                if entity.kind
                else None
            )
            if key == own_key:
                form.add_error("name", f"“{name}” is this {kind_label}’s own name.")
            elif key in seen:
                form.add_error("name", f"“{name}” is the same alias as “{seen[key]}”.")
            elif owner is not None:
                form.add_error(
                    "name",
                    f"“{name}” is the name of another {kind_label}, “{owner.name}”: " + MERGE_HINT,
                )
            elif taken is not None and taken.entity_id == entity.pk:
                form.add_error("name", f"“{name}” is already an alias (“{taken.name}”).")
            elif taken is not None:
                form.add_error(
                    "name",
                    f"“{name}” is already an alias of “{taken.entity.name}”: " + MERGE_HINT,
                )
            else:
                seen[key] = name
                form.instance.name, form.instance.key = name[:300], key
                form.instance.kind = entity.kind


class AliasInline(admin.TabularInline):
    model = EntityAlias
    formset = AliasFormSet
    extra = 0
    fields = ["name", "key"]
    readonly_fields = ["key"]


class EntityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        count = getattr(obj, "n_articles", None)
        articles = f", {count} article{'s' if count != 1 else ''}" if count is not None else ""
        return f"{obj.name} ({obj.slug}{articles})"


class MergeForm(forms.Form):
    survivor = EntityChoiceField(
        queryset=Entity.objects.none(),
        widget=forms.RadioSelect,
        label="Keep this one",
        empty_label=None,
    )


class EntityForm(forms.ModelForm):
    class Meta:
        model = Entity
        fields = ["kind", "name", "country", "feature", "latitude", "longitude"]

    def clean(self):
        data = super().clean()
        kind, name = data.get("kind") or self.instance.kind, data.get("name", "")
        key = name_key(name)
        if name and not key:
            self.add_error("name", "Give the entity a name with at least one letter or digit.")
            return data
        other = Entity.objects.filter(kind=kind, key=key).exclude(pk=self.instance.pk).first()
        if name and other:
            message = f"“{other.name}” already exists."
            if self.instance.pk:
                message = (
                    f"“{other.name}” already exists: to make these one entity, select both "
                    "in the list and use “Merge selected entities into one…”."
                )
            self.add_error("name", message)
        if self.instance.pk and "kind" in self.changed_data and kind:
            self._check_kind_change(kind)
        return data

    def _check_kind_change(self, kind: str) -> None:
        """Aliases and old slugs follow the entity to its new kind; none may be taken there."""
        keys = dict(self.instance.aliases.values_list("key", "name"))
        taken = EntityAlias.objects.filter(kind=kind, key__in=keys).select_related("entity").first()
        owner = Entity.objects.filter(kind=kind, key__in=keys).first()
        if taken or owner:
            alias = keys[taken.key if taken else owner.key]
            holder = taken.entity.name if taken else owner.name
            self.add_error(
                "kind",
                f"Its alias “{alias}” already belongs to the {kind} “{holder}”: remove the "
                "alias first, or change the kind and then merge the two.",
            )


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    form = EntityForm
    list_display = ["name", "kind", "country", "slug", "article_count"]
    list_filter = ["kind"]
    search_fields = ["name", "key"]
    inlines = [AliasInline]
    readonly_fields = ["slug", "key", "created_at", "updated_at"]
    actions = ["merge_selected", "not_entities_selected", "keep_selected"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_articles=Count("mentions", filter=Q(mentions__suppressed=False)))
        )

    def get_urls(self):
        return [
            path(
                "<int:entity_id>/unmerge/<int:record_id>/",
                self.admin_site.admin_view(self.unmerge_view),
                name="articles_entity_unmerge",
            ),
            *super().get_urls(),
        ]

    def unmerge_view(self, request, entity_id: int, record_id: int):
        return merge_history.unmerge_view(self, request, entity_id, record_id)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        entity = self.get_object(request, object_id)
        extra = (
            {
                "merge_history": merge_history.history(entity),
                "may_unmerge": merge_history.may_unmerge(self, request),
            }
            if entity
            else {}
        )
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    @admin.display(description="Articles", ordering="n_articles")
    def article_count(self, obj):
        return obj.n_articles

    def save_model(self, request, obj, form, change):
        if change and "kind" in form.changed_data:
            # As the suggestions' "of another kind": the old kind and slug keep leading to it
            # (``?place=breonna-taylor`` -> ``?person=breonna-taylor``); a namesake of the
            # new kind absorbs it.
            moved = corrections.move_to_kind(Entity.objects.get(pk=obj.pk), obj.kind, request.user)
            if moved.pk != obj.pk:
                request.entity_absorbed_by = moved  # the admin object is shared: not on self
                return
            obj.slug, obj.match_key = moved.slug, moved.match_key
        if change and "name" in form.changed_data:
            new_name = obj.name
            stored = Entity.objects.get(pk=obj.pk)
            others = [name for name in form.changed_data if name != "name"]
            for name in others:
                setattr(stored, name, getattr(obj, name))
            if others:  # the rename saves (and re-indexes) once more anyway
                stored.save()
            try:
                renamed = corrections.rename_entity(stored, new_name, request.user)
            except corrections.CorrectionError as exc:
                obj.name = stored.name
                self.message_user(request, str(exc), messages.ERROR)
                return
            obj.slug, obj.key = renamed.slug, renamed.key
            return
        if not change:
            obj.key = name_key(obj.name)
            obj.slug = corrections.free_slug(obj.kind, obj.name)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if getattr(request, "entity_absorbed_by", None) is None:  # else the entity is gone
            super().save_related(request, form, formsets, change)

    def response_change(self, request, obj):
        survivor = getattr(request, "entity_absorbed_by", None)
        if survivor is None:
            return super().response_change(request, obj)
        self.message_user(
            request,
            f"“{obj.name}” is now the {survivor.kind} “{survivor.name}”, which already had "
            "that name: the two are one entity, and the old links lead to it.",
        )
        return HttpResponseRedirect(reverse("admin:articles_entity_change", args=[survivor.pk]))

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is EntityAlias and (
            formset.new_objects or formset.changed_objects or formset.deleted_objects
        ):
            # Aliases are indexed with the entity's name: its articles' documents change.
            corrections.articles_changed(corrections.entity_articles(form.instance.pk))

    def has_merge_permission(self, request) -> bool:
        """Merging rewrites the survivor and deletes the others."""
        return self.has_change_permission(request) and self.has_delete_permission(request)

    def has_drop_permission(self, request) -> bool:
        """Taking a name off its articles deletes its mentions, and the entity once unused."""
        return self.has_change_permission(request) and self.has_delete_permission(request)

    @admin.action(description="Merge selected entities into one…", permissions=["merge"])
    def merge_selected(self, request, queryset):
        entities = list(queryset.order_by("name"))
        if len(entities) < 2:
            self.message_user(request, "Select at least two entities to merge.", messages.ERROR)
            return None
        kinds = {e.kind for e in entities}
        if len(kinds) > 1:
            self.message_user(request, "Only entities of one kind can be merged.", messages.ERROR)
            return None
        form = MergeForm(request.POST if "confirm" in request.POST else None)
        form.fields["survivor"].queryset = queryset
        if form.is_bound and form.is_valid():
            survivor = form.cleaned_data["survivor"]
            merged_names = []
            for entity in entities:
                if entity.pk != survivor.pk:
                    editor.same(entity, survivor, request.user)  # remembered as a decision
                    merged_names.append(entity.name)
            self.message_user(
                request,
                format_html(
                    'Merged {} into “<a href="{}">{}</a>”; the old names are kept as aliases.',
                    ", ".join(f"“{n}”" for n in merged_names),
                    reverse("admin:articles_entity_change", args=[survivor.pk]),
                    survivor.name,
                ),
            )
            return None
        return TemplateResponse(
            request,
            "admin/articles/entity/merge.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Merge entities",
                "entities": entities,
                "form": form,
                "queryset": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(
        description="Not entities: take them off their articles, now and on import",
        permissions=["drop"],
    )
    def not_entities_selected(self, request, queryset):
        names = []
        for entity in queryset:
            editor.not_an_entity(entity, request.user)
            names.append(entity.name)
        self.message_user(request, f"Taken off their articles: {', '.join(names)}.")

    @admin.action(
        description="Real entities: never drop, refile or merge them automatically",
        permissions=["change"],
    )
    def keep_selected(self, request, queryset):
        for entity in queryset:
            editor.is_an_entity(entity, request.user)
        self.message_user(request, f"Kept as they are: {queryset.count()} entities.")


@admin.register(EntityRedirect)
class EntityRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "kind", "entity"]
    search_fields = ["old_slug", "entity__name"]
    autocomplete_fields = ["entity"]
