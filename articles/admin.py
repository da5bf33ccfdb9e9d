"""The editors' admin: articles with reviewed uploads, entity corrections that last.

Corrections go through articles.corrections so they survive re-extraction; every change is
queued for the search index (articles.search.queue) and recorded in the admin log.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.csrf import csrf_exempt

from . import admin_views, corrections
from .extraction.names import name_key
from .forms import whole_number
from .ingest import EXTRACTED_FIELDS, reextract_articles
from .models import (
    Article,
    Entity,
    EntityAlias,
    EntityRedirect,
    IndexTask,
    Mention,
    Source,
    SourceRedirect,
    UploadBatch,
)
from .search.queue import drain, enqueue

admin.site.site_header = "Newsroom administration"
admin.site.site_title = "Newsroom admin"


class MentionInline(admin.TabularInline):
    model = Mention
    extra = 0
    autocomplete_fields = ["entity"]
    fields = ["entity", "count", "surface_forms", "origin", "suppressed", "changed_by"]
    readonly_fields = ["origin", "changed_by"]
    verbose_name = "entity in this article"
    verbose_name_plural = (
        "Entities in this article (tick “Suppressed” or “Delete” to remove one: "
        "it stays removed when extraction runs again)"
    )


def names_list(value: str) -> list[str]:
    return [" ".join(n.split()) for n in value.replace("\n", ",").split(",") if n.strip()]


class ArticleForm(forms.ModelForm):
    add_places = forms.CharField(
        required=False, help_text="Comma-separated names to add to this article."
    )
    add_organizations = forms.CharField(
        required=False, help_text="Comma-separated names to add to this article."
    )
    add_people = forms.CharField(
        required=False, help_text="Comma-separated names to add to this article."
    )

    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "source",
            "section",
            "published",
            "is_published",
            "body",
            "caption",
            "url",
            "language",
            "original_text",
        ]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    list_display = ["headline", "source", "published", "section", "is_published", "view_link"]
    list_filter = ["is_published", "source"]
    search_fields = ["headline"]
    date_hierarchy = "published"
    inlines = [MentionInline]
    readonly_fields = [
        "fingerprint",
        "original_name",
        "original_format",
        "locked_fields",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "source", "section", "published", "is_published"]}),
        ("Text", {"fields": ["body", "caption", "url", "language"]}),
        (
            "Add entities",
            {
                "fields": ["add_places", "add_organizations", "add_people"],
                "description": "Editors' additions stay when extraction runs again.",
            },
        ),
        (
            "Provenance",
            {
                "classes": ["collapse"],
                "fields": [
                    "locked_fields",
                    "fingerprint",
                    "original_name",
                    "original_format",
                    "original_text",
                    "created_at",
                    "updated_at",
                ],
            },
        ),
    ]
    actions = ["reextract_selected", "unpublish_selected", "publish_selected"]

    @admin.display(description="Public page")
    def view_link(self, obj):
        if not obj.is_published:
            return "—"
        return format_html('<a href="{}">view</a>', obj.get_absolute_url())

    def get_urls(self):
        urls = super().get_urls()
        return [
            path(
                "upload/",
                # CSRF is checked inside, after the size checks (admin_views.upload_view).
                self.admin_site.admin_view(csrf_exempt(self.upload_view)),
                name="articles_article_upload",
            ),
            *urls,
        ]

    def upload_view(self, request):
        return admin_views.upload_view(self, request)

    def add_view(self, request, form_url="", extra_context=None):
        return admin_views.add_article_view(self, request)

    def save_model(self, request, obj, form, change):
        if change:
            corrected = set(form.changed_data) & set(EXTRACTED_FIELDS)
            if corrected:
                obj.locked_fields = sorted({*(obj.locked_fields or []), *corrected})
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Mention:
            return super().save_formset(request, form, formset, change)
        article = form.instance
        instances = formset.save(commit=False)
        # The forms' instances already carry the edited entity: the row's own is in the database.
        stored = {
            m.pk: m.entity
            for m in Mention.objects.filter(
                pk__in=[f.instance.pk for f in formset.initial_forms]
            ).select_related("entity")
        }
        for mention in formset.deleted_objects:
            # Deleting would let the next extraction bring it back: suppress instead.
            corrections.remove_entity(article, stored[mention.pk], request.user)
        replaced = set()
        for mention, changed in formset.changed_objects:
            if "entity" in changed and stored[mention.pk].pk != mention.entity_id:
                # Saving the row would leave extraction free to bring the old entity back
                # and drop the new one: record both corrections instead.
                corrections.replace_entity(
                    article, stored[mention.pk], mention.entity, request.user
                )
                replaced.add(mention.pk)
            elif "suppressed" in changed and not mention.suppressed:
                mention.origin = Mention.Origin.EDITOR  # put back by hand: keep it
        for mention in instances:
            if mention.pk in replaced:
                continue
            if mention.pk is None:
                mention.origin = Mention.Origin.EDITOR
            mention.changed_by = request.user
            mention.save()
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for field, kind in (
            ("add_places", "place"),
            ("add_organizations", "organization"),
            ("add_people", "person"),
        ):
            for name in names_list(form.cleaned_data.get(field, "")):
                corrections.add_entity(form.instance, kind, name, request.user)

    @admin.action(description="Re-run extraction (keeps editors' corrections)")
    def reextract_selected(self, request, queryset):
        report = reextract_articles(queryset)
        # The log shows each article by its headline, so read the rows rather than Article(pk=).
        for article in Article.objects.filter(pk__in=report.updated).only("id", "headline"):
            corrections.record(request.user, article, "Re-ran extraction.", CHANGE)
        self.message_user(request, f"Re-extracted {len(report.updated)} article(s).")
        for article_id, reason in report.skipped:
            self.message_user(request, f"Article {article_id} skipped: {reason}", messages.WARNING)

    @admin.action(description="Unpublish (removes from search)")
    def unpublish_selected(self, request, queryset):
        self._set_published(request, queryset, False)

    @admin.action(description="Publish")
    def publish_selected(self, request, queryset):
        self._set_published(request, queryset, True)

    def _set_published(self, request, queryset, published: bool):
        with transaction.atomic():
            changed = list(queryset.exclude(is_published=published))
            ids = [a.pk for a in changed]
            Article.objects.filter(pk__in=ids).update(
                is_published=published, updated_at=timezone.now()
            )
            enqueue(ids, IndexTask.Action.UPDATE if published else IndexTask.Action.REMOVE)
            for article in changed:
                self.log_change(request, article, "Published." if published else "Unpublished.")
        self.message_user(
            request, f"{'Published' if published else 'Unpublished'} {len(ids)} article(s)."
        )


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
    actions = ["merge_selected"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_articles=Count("mentions", filter=Q(mentions__suppressed=False)))
        )

    @admin.display(description="Articles", ordering="n_articles")
    def article_count(self, obj):
        return obj.n_articles

    def save_model(self, request, obj, form, change):
        if change and "kind" in form.changed_data:
            EntityAlias.objects.filter(entity=obj).update(kind=obj.kind)
            EntityRedirect.objects.filter(entity=obj).exclude(
                old_slug__in=EntityRedirect.objects.filter(kind=obj.kind).values("old_slug")
            ).update(kind=obj.kind)
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
            obj.slug = corrections._free_slug(obj.kind, obj.name)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is EntityAlias and (
            formset.new_objects or formset.changed_objects or formset.deleted_objects
        ):
            # Aliases are indexed with the entity's name: its articles' documents change.
            corrections.articles_changed(corrections.entity_articles(form.instance.pk))

    @admin.action(description="Merge selected entities into one…")
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
                    corrections.merge_entities(entity, survivor, request.user)
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


@admin.register(EntityRedirect)
class EntityRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "kind", "entity"]
    search_fields = ["old_slug", "entity__name"]
    autocomplete_fields = ["entity"]


@admin.register(UploadBatch)
class UploadBatchAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "status",
        "created_by",
        "created_at",
        "files_done",
        "file_count",
        "created_count",
        "duplicate_count",
        "failed_count",
    ]
    list_filter = ["status"]

    def get_urls(self):
        return [
            path(
                "<int:batch_id>/report/",
                self.admin_site.admin_view(self.report_view),
                name="articles_uploadbatch_report",
            ),
            *super().get_urls(),
        ]

    def report_view(self, request, batch_id):
        return admin_views.batch_report_view(self, request, batch_id)

    def add_view(self, request, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:articles_article_upload"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        batch_id = whole_number(object_id)
        if batch_id is None:  # "²" or "abc": no batch has that number (reverse would fail)
            raise Http404("No upload batch with this number.")
        return HttpResponseRedirect(reverse("admin:articles_uploadbatch_report", args=[batch_id]))

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IndexTask)
class IndexTaskAdmin(admin.ModelAdmin):
    list_display = ["article_id", "action", "created", "attempts", "not_before", "last_error"]
    readonly_fields = ["article_id", "action", "created", "attempts", "not_before", "last_error"]
    actions = ["retry_now"]

    @admin.action(description="Retry now")
    def retry_now(self, request, queryset):

        queryset.update(not_before=None)
        done = drain(blocking=False)
        left = IndexTask.objects.count()
        self.message_user(
            request,
            f"Indexed {done} article(s); {left} task(s) still queued"
            + (" (see the last error of each)." if left else "."),
            messages.WARNING if left else messages.SUCCESS,
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
