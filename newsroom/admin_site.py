"""The admin site: Django's, with the entity suggestions in its navigation and their count.

Installed in place of ``django.contrib.admin`` (newsroom.apps.NewsroomAdminConfig), as
Django's docs describe for overriding the default site: every ``admin.register`` lands here.
"""

from django.contrib import admin
from django.urls import reverse

from articles.models import EntityDecision


class NewsroomAdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            if app["app_label"] == "articles" and request.user.has_perm(
                "articles.view_entitydecision"
            ):
                app["models"].append(suggestions_entry())
                app["models"].sort(key=lambda m: m["name"].casefold())
        return app_list


def suggestions_entry() -> dict:
    """The suggestions page as the app list shows a model: its name carries the count."""
    waiting = EntityDecision.objects.filter(origin=EntityDecision.Origin.SUGGESTED).count()
    return {
        "model": EntityDecision,
        "name": f"Entity suggestions ({waiting:,} waiting)",
        "object_name": "EntitySuggestion",
        "perms": {"view": True},
        "admin_url": reverse("admin:articles_entitydecision_suggestions"),
        "add_url": None,
        "view_only": True,
    }
