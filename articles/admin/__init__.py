"""The editors' admin (Django finds it as articles.admin): articles with reviewed uploads,
entity corrections that last, stories, upload batches and the index queue."""

from django.contrib import admin

from . import (  # noqa: F401 (each registers ModelAdmins)
    articles,
    decisions,
    entities,
    operations,
    stories,
)

admin.site.site_header = "Newsroom administration"
admin.site.site_title = "Newsroom admin"
