"""Links that edit the current search: every filter link comes from here, never concatenation.

Each tag reads the page's ``params`` (a SearchParams) and returns the search URL with one
change applied, in canonical order. Changing a filter or the sort always drops ``page``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from html import escape as html_escape
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from articles.forms.compare import CompareParams
from articles.forms.search import SearchParams
from articles.pages.article import body_blocks
from articles.pages.compare import compare_url
from articles.pages.entity import entity_url
from articles.search.vocabulary import ENTITY_FILTERS, KIND_FILTERS

register = template.Library()


@functools.cache
def _search_path() -> str:
    # A page has dozens of filter links; reverse() once per process, not once per link.
    return reverse("articles:search")


def _url(params: SearchParams, **kwargs) -> str:
    return _search_path() + params.querystring(**kwargs)


@register.simple_tag(takes_context=True)
def search_url(
    context,
    field: str = "",
    add: str = "",
    remove: str = "",
    drop: str = "",
    sort: str = "",
    q: str | None = None,
    page: int | None = None,
    format: str = "",
    stories: str = "",
) -> str:
    """The current search with one edit.

    {% search_url field="place" add="iraq" %}      also find articles in Iraq (OR)
    {% search_url field="source" add="-press-tv" %} leave out Press TV
    {% search_url field="place" remove="iraq" %}   drop that value (included or excluded)
    {% search_url drop="place" %}                  drop a whole filter ("q", "from", "to" too)
    {% search_url drop="filters" %}                keep only the words
    {% search_url drop="dates" %}                  drop both dates
    {% search_url sort="newest" %}  {% search_url q="troops" %}
    {% search_url page=3 %}                        the only edit that keeps a page number
    {% search_url format="json" %}
    {% search_url stories="off" %}                 every article its own result
    """
    params: SearchParams = context.get("params") or SearchParams()
    if add:
        params = params.with_value(field, add)
    if remove:
        params = params.without_value(field, remove)
    if drop == "filters":
        params = params.without_filters()
    elif drop == "dates":
        params = params.edited(date_from=None, date_to=None)
    elif drop:
        params = params.without_field(drop)
    if sort:
        params = params.edited(sort=sort)
    if q is not None:
        params = params.edited(q=q)
    if stories:
        params = params.edited(stories=stories != "off")
    if page is not None:
        params = params.edited(page=int(page))
    return _url(replace(params, format=format or "html"))


@functools.cache
def _values_path(field: str) -> str:
    return reverse("articles:search-values", kwargs={"field": field})


@register.simple_tag(takes_context=True)
def search_values_url(context, field: str, find: str = "", letter: str = "", page: int = 1) -> str:
    """The page listing every value of one filter for the current search; ``find``,
    ``letter`` and ``page`` narrow and page the list."""
    params: SearchParams = context.get("params") or SearchParams()
    pairs = params.pairs(with_page=False, with_format=False)
    pairs += [(name, value) for name, value in (("find", find), ("letter", letter)) if value]
    if page > 1:
        pairs.append(("page", str(page)))
    return _values_path(field) + ("?" + urlencode(pairs) if pairs else "")


@register.filter
def with_article(noun: str) -> str:
    """ "a place", "an organization", "an outlet"."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


@register.simple_tag(takes_context=True)
def compare_with_url(context) -> str:
    """/compare/ with the current search's words as its first search and its filters."""
    params: SearchParams = context.get("params") or SearchParams()
    filters = SearchParams(
        include=params.include,
        exclude=params.exclude,
        require=params.require,
        date_from=params.date_from,
        date_to=params.date_to,
        unmatched=params.unmatched,
    )
    return compare_url(CompareParams((params.q,) if params.q else (), filters))


@register.simple_tag
def filter_search_url(field: str, slug: str) -> str:
    """A fresh search filtered on one value: /search/?place=iraq."""
    return _url(SearchParams(include={field: (slug,)}))


@register.simple_tag
def page_url(field: str, slug: str) -> str:
    """Where a name in a list leads: a place's, organization's or person's page (``field``
    a filter or an entity kind), the filtered search for an outlet (outlets have no page)."""
    kind = ENTITY_FILTERS.get(field, field)
    if kind in KIND_FILTERS:
        return entity_url(kind, slug)
    if field == "author":
        return reverse("articles:author", kwargs={"slug": slug})
    return filter_search_url(field, slug)


@register.simple_tag
def linked_body(text: str, mentions) -> str:
    """The article body as paragraphs and sub-headings, each entity's first mention a link to
    its page (the later ones stay text: "US" eight times would be eight links).

    The text is split around the names first; every piece, name or not, is escaped before it
    is wrapped in markup, so nothing in an article can inject HTML.
    """
    links: dict[str, str] = {}
    forms: set[str] = set()
    for mention in mentions:
        entity = mention.entity
        if entity.kind not in KIND_FILTERS:
            continue
        url = entity_url(entity.kind, entity.slug)
        for form in {entity.name, *(mention.surface_forms or [])}:
            if len(form) >= 2:
                links.setdefault(form.casefold(), url)
                forms.update((form, form.casefold()))
    pattern = None
    if links:
        alternatives = sorted(forms, key=len, reverse=True)
        pattern = re.compile(
            r"(?<!\w)(" + "|".join(re.escape(a) for a in alternatives) + r")(?!\w)",
            re.IGNORECASE,
        )
    html = []
    linked: set[str] = set()  # an entity is a link at its first mention only
    for block in body_blocks(text):
        paragraph = block.text
        if block.heading:
            html.append(f'<h2 class="subhead">{conditional_escape(paragraph)}</h2>')
            continue
        pieces = []
        position = 0
        if pattern:
            for match in pattern.finditer(paragraph):
                # re.IGNORECASE and casefold() disagree on some letters ("ALI" matches "Alı",
                # "İ" folds to two characters): link only what folds to a known name.
                url = links.get(match.group(0).casefold())
                if url is None or url in linked:
                    continue
                linked.add(url)
                pieces.append(conditional_escape(paragraph[position : match.start()]))
                pieces.append(
                    format_html('<a class="entity" href="{}">{}</a>', url, match.group(0))
                )
                position = match.end()
        pieces.append(conditional_escape(paragraph[position:]))
        joined = "".join(str(p) for p in pieces).replace("\n", "<br>")
        html.append(f"<p>{joined}</p>")
    return mark_safe("\n".join(html))  # noqa: S308 - every piece escaped above


@register.simple_tag
def facet_values(group, values, exclude: bool = True) -> str:
    """The checkboxes of a facet group: include a value, or tick "not" to leave it out.

    ``exclude=False`` leaves out the "not" boxes (the long list under "All 250 places":
    the values page has them), so a search page stays under a thousand elements. Built
    with plain string joins rather than an include or format_html per value: a page lists
    hundreds of values and this is the hot loop of the search page. Every value from the
    archive (field, slug, name) goes through html.escape (what Django's escape() does,
    without its lazy-string wrapper: 300 values a page).
    """
    field = html_escape(group.field)
    rows = []
    for value in values:
        slug, name = html_escape(value.slug), html_escape(value.name)
        state = " is-selected" if value.selected else " is-excluded" if value.excluded else ""
        current = ' aria-current="true"' if state else ""
        shown_name = f"<s>{name}</s>" if value.excluded else name
        count = ""
        if value.count is not None and value.url:
            # Out of the Tab order: the box beside it is the keyboard's way to the filter.
            label = f"{name} alone: {value.count:,} article{'s' if value.count != 1 else ''}"
            count = (
                f' <a class="count" href="{html_escape(value.url)}" tabindex="-1" '
                f'aria-label="{label}" data-count="{value.count}">{value.count:,}</a>'
            )
        elif value.count is not None:
            count = f' <span class="count">{value.count:,}</span>'
        who = value.description
        title = f' title="{html_escape(who)}"' if who else ""
        if who and value.namesake:  # two values of one name: say who each is
            shown_name += f'<span class="facet-description">{html_escape(who)}</span>'
        row = (
            f'<li class="facet-value{state}"{current}>'
            f'<input type="checkbox" name="{field}" value="{"+" if value.required else ""}{slug}" '
            f'id="f-{field}-{slug}"'
            f"{' checked' if value.selected else ''}>"
            f'<label for="f-{field}-{slug}"{title}>{shown_name}</label>{count}'
        )
        if exclude or value.excluded:
            # The visible word is the start of the box's name (WCAG 2.5.3, label in name).
            row += (
                f'<input type="checkbox" class="exclude" name="{field}" value="-{slug}" '
                f'id="x-{field}-{slug}"{" checked" if value.excluded else ""}>'
                f'<label class="exclude-label" for="x-{field}-{slug}">not'
                f'<span class="visually-hidden"> {name}</span></label>'
            )
        rows.append(row + "</li>")
    return mark_safe("\n".join(rows))  # noqa: S308 - every interpolated value escaped above
