"""Stories in the admin: each with its articles; editors merge stories here and split or move
articles from the article list (articles.admin.articles). What they decide is kept by
regrouping (articles.ingest.story_edits)."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from ..ingest.story_edits import merge_stories
from ..models import Article, Story, StoryDecision


class StoryArticleInline(admin.TabularInline):
    model = Article
    fk_name = "story"
    fields = ["headline", "source", "published", "copy_of", "is_published"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "title",
        "article_count",
        "outlet_count",
        "first_date",
        "last_date",
        "articles_link",
    ]
    list_display_links = ["id", "title"]
    search_fields = ["lead__headline"]
    list_select_related = ["lead"]
    readonly_fields = [
        "lead",
        "article_count",
        "outlet_count",
        "first_date",
        "last_date",
        "page_link",
    ]
    inlines = [StoryArticleInline]
    actions = ["merge_selected"]

    @admin.display(description="Lead article")
    def title(self, obj):
        return obj.lead.headline[:120] if obj.lead_id else "—"

    @admin.display(description="Split or move")
    def articles_link(self, obj):
        url = reverse("admin:articles_article_changelist") + f"?story__id__exact={obj.pk}"
        return format_html('<a href="{}">its articles</a>', url)

    @admin.display(description="Public page")
    def page_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.get_absolute_url())

    def has_add_permission(self, request):
        return False  # stories are made by grouping, split and merge

    def has_delete_permission(self, request, obj=None):
        return False  # deleting one would leave its articles without a story: merge instead

    @admin.action(description="Merge selected stories into one", permissions=["change"])
    def merge_selected(self, request, queryset):
        stories = list(queryset)
        if len(stories) < 2:
            self.message_user(request, "Select at least two stories to merge.", messages.ERROR)
            return
        survivor = merge_stories(stories, request.user)
        self.message_user(
            request,
            format_html(
                'Merged {} stories into <a href="{}">story {}</a>; regrouping keeps them together.',
                len(stories),
                reverse("admin:articles_story_change", args=[survivor.pk]),
                survivor.pk,
            ),
        )


@admin.register(StoryDecision)
class StoryDecisionAdmin(admin.ModelAdmin):
    list_display = ["article", "group", "note", "decided_by", "decided_at"]
    search_fields = ["group", "article__headline"]
    readonly_fields = ["article", "group", "note", "decided_by", "decided_at"]
    list_select_related = ["article", "decided_by"]

    def has_add_permission(self, request):
        return False  # decisions are made by splitting, moving and merging
