"""Articles in the admin: editing, entities in an article, reviewed uploads, re-extraction.

Corrections go through articles.corrections so they survive re-extraction; every change is
queued for the search index (articles.search.queue) and recorded in the admin log.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.csrf import csrf_exempt

from .. import corrections
from ..extraction.bylines import MAX_BYLINE_CHARS, read_byline
from ..extraction.dates import FIRST_YEAR, plausible
from ..ingest import EXTRACTED_FIELDS, reextract_articles
from ..ingest.authors import set_authors
from ..ingest.story_edits import move_articles, split_off
from ..models import (
    Article,
    IndexTask,
    Mention,
    Story,
)
from ..search.queue import enqueue
from . import upload_views


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


def plausible_date(value):
    if value and not plausible(value):
        raise forms.ValidationError(
            f"{value:%Y-%m-%d} cannot be when an article appeared: a date from {FIRST_YEAR} to "
            "today, or empty when it has none."
        )
    return value


class MoveForm(forms.Form):
    story = forms.ModelChoiceField(
        queryset=Story.objects.all(),
        widget=forms.NumberInput,
        label="Story number",
        help_text="The number of the story they belong to (in its address: /stories/<number>/).",
        error_messages={"invalid_choice": "No story has this number."},
    )


class ArticleForm(forms.ModelForm):
    author_names = forms.CharField(
        label="Authors",
        required=False,
        max_length=MAX_BYLINE_CHARS,
        help_text=(
            "Comma-separated names, in byline order. Changing them makes them the editor's: "
            "re-extraction leaves them."
        ),
    )
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
            "date",
            "date_precision",
            "is_published",
            "body",
            "caption",
            "url",
            "language",
            "original_text",
        ]
        help_texts = {
            "published": "The date the source states. Changing it makes it the editor's.",
            "date": (
                "The date the archive files the article under. Setting or clearing it makes "
                "it the editor's: re-dating and re-extraction leave it."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["author_names"] = ", ".join(a.name for a in self.instance.author_list)

    def clean_author_names(self):
        """The names, normalised; a part that is no name is refused with why."""
        value = self.cleaned_data.get("author_names") or ""
        byline = read_byline(value)
        if byline.dropped:
            raise forms.ValidationError("Not an author's name: " + "; ".join(byline.dropped))
        return byline.names

    def clean_published(self):
        return plausible_date(self.cleaned_data.get("published"))

    def clean_date(self):
        return plausible_date(self.cleaned_data.get("date"))


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    list_display = [
        "headline",
        "source",
        "date",
        "date_source",
        "section",
        "is_published",
        "view_link",
    ]
    list_filter = ["is_published", "date_source", "date_precision", "source"]
    search_fields = ["headline"]
    date_hierarchy = "date"
    inlines = [MentionInline]
    readonly_fields = [
        "date_source",
        "date_evidence",
        "byline",
        "extraction_notes",
        "fingerprint",
        "original_name",
        "original_format",
        "locked_fields",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["headline", "slug", "source", "author_names", "section", "is_published"]},
        ),
        (
            "Date",
            {
                "fields": [
                    "published",
                    ("date", "date_precision"),
                    "date_source",
                    "date_evidence",
                ],
                "description": (
                    "Inferred dates say how they were obtained; an editor's date replaces "
                    "them for good."
                ),
            },
        ),
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
                    "byline",
                    "extraction_notes",
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
    actions = [
        "reextract_selected",
        "unpublish_selected",
        "publish_selected",
        "split_off_selected",
        "move_selected",
    ]

    def lookup_allowed(self, lookup, value, request=None):
        # A story's "its articles" link lists them here, to split or move.
        return lookup == "story__id__exact" or super().lookup_allowed(lookup, value, request)

    @admin.action(description="Split into a new story of their own", permissions=["change"])
    def split_off_selected(self, request, queryset):
        story = split_off(queryset.values_list("id", flat=True), request.user)
        self.message_user(
            request,
            format_html(
                'The {} articles are <a href="{}">story {}</a> now; regrouping keeps them apart.',
                story.article_count,
                reverse("admin:articles_story_change", args=[story.pk]),
                story.pk,
            ),
        )

    @admin.action(description="Move to another story…", permissions=["change"])
    def move_selected(self, request, queryset):
        form = MoveForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            target = move_articles(
                queryset.values_list("id", flat=True), form.cleaned_data["story"], request.user
            )
            self.message_user(
                request,
                format_html(
                    'Moved to <a href="{}">story {}</a>; regrouping keeps them there.',
                    reverse("admin:articles_story_change", args=[target.pk]),
                    target.pk,
                ),
            )
            return None
        return TemplateResponse(
            request,
            "admin/articles/article/move_to_story.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Move articles to another story",
                "articles": list(queryset.select_related("source", "story")[:200]),
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

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
                # CSRF is checked inside, after the size checks (upload_views.upload_view).
                self.admin_site.admin_view(csrf_exempt(self.upload_view)),
                name="articles_article_upload",
            ),
            *urls,
        ]

    def upload_view(self, request):
        return upload_views.upload_view(self, request)

    def add_view(self, request, form_url="", extra_context=None):
        return upload_views.add_article_view(self, request)

    def save_model(self, request, obj, form, change):
        corrected = set(form.changed_data) & {*EXTRACTED_FIELDS, "date_precision"}
        if {"date", "date_precision"} & corrected:
            corrected = (corrected - {"date_precision"}) | {"date"}
            obj.date_source = Article.DateSource.EDITOR
            obj.date_precision = obj.date_precision or Article.DatePrecision.DAY
            obj.date_evidence = (
                f"Set by {request.user.get_username()}."
                if obj.date
                else (f"Left undated by {request.user.get_username()}.")
            )
        if change and "author_names" in form.changed_data:
            names = form.cleaned_data["author_names"]
            if names != [a.name for a in obj.author_list]:
                corrected.add("authors")
                obj.locked_fields = [f for f in obj.locked_fields or [] if f != "authors"]
                set_authors(obj, names)
        if change and corrected:
            obj.locked_fields = sorted({*(obj.locked_fields or []), *corrected})
        super().save_model(request, obj, form, change)
        if change and "authors" in corrected:
            enqueue([obj.pk])

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

    @admin.action(
        description="Re-run extraction (keeps editors' corrections)", permissions=["change"]
    )
    def reextract_selected(self, request, queryset):
        report = reextract_articles(queryset)
        # The log shows each article by its headline, so read the rows rather than Article(pk=).
        for article in Article.objects.filter(pk__in=report.updated).only("id", "headline"):
            corrections.record(request.user, article, "Re-ran extraction.", CHANGE)
        self.message_user(request, f"Re-extracted {len(report.updated)} article(s).")
        for article_id, reason in report.skipped:
            self.message_user(request, f"Article {article_id} skipped: {reason}", messages.WARNING)

    @admin.action(description="Unpublish (removes from search)", permissions=["change"])
    def unpublish_selected(self, request, queryset):
        self._set_published(request, queryset, False)

    @admin.action(description="Publish", permissions=["change"])
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
