"""Absolute addresses for what other sites read: Open Graph images, canonical links."""

from __future__ import annotations

from django import template
from django.templatetags.static import static

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_static(context, path: str) -> str:
    """The full URL of a static file ("https://news.example.org/static/img/og-card.…png")."""
    return context["request"].build_absolute_uri(static(path))


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    """The full URL of a path on this site, without any query string."""
    return context["request"].build_absolute_uri(path)
