"""An article's date in a page: a <time> element, an inferred date marked and explained."""

from django import template
from django.utils.html import format_html

from ..pages.dates import date_label

register = template.Library()


@register.simple_tag
def article_date(article, long: bool = False) -> str:
    """ "<time datetime=…>14 Mar 2023</time>"; an inferred date in italics with its evidence
    as a title ("about Mar 2019"); "" when undated."""
    if article.date is None:
        return ""
    label = date_label(article, long=long)
    if not article.date_inferred:
        return format_html('<time datetime="{}">{}</time>', article.date.isoformat(), label)
    return format_html(
        '<time class="date-inferred" datetime="{}" title="{}">{}</time>',
        article.date.isoformat(),
        f"Inferred: {article.date_evidence}" if article.date_evidence else "Inferred date",
        label,
    )
