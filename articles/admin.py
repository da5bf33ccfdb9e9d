from django.contrib import admin

from .models import Article, Entity, EntityAlias, Mention, Source


class MentionInline(admin.TabularInline):
    model = Mention
    extra = 0
    autocomplete_fields = ["entity"]
    fields = ["entity", "count", "surface_forms", "origin", "suppressed"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "source", "published", "section", "is_published"]
    list_filter = ["is_published", "source"]
    search_fields = ["headline"]
    date_hierarchy = "published"
    inlines = [MentionInline]
    readonly_fields = ["fingerprint", "original_name", "original_format", "created_at", "updated_at"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


class AliasInline(admin.TabularInline):
    model = EntityAlias
    extra = 0
    fields = ["name", "key"]


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "key"]
    inlines = [AliasInline]
