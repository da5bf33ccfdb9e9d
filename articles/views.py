"""Thin views: parse the request, call a selector, render."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from itertools import islice

from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify

from . import selectors
from .feeds import SearchFeed
from .forms import FILTER_FIELDS, SearchParams, parse_search
from .models import Article, Mention

BROWSE_KINDS = {
    "sources": ("source", "Outlets", "outlet"),
    "places": ("place", "Places", "place"),
    "organizations": ("org", "Organizations", "organization"),
    "people": ("person", "People", "person"),
}


def home(request):
    places = selectors.entity_directory("place")
    orgs = selectors.entity_directory("organization")
    return render(
        request,
        "articles/home.html",
        {
            "article_count": selectors.article_count(),
            "latest": selectors.latest_articles(20),
            "sources": selectors.source_directory().largest(10),
            "places": places.largest(10),
            "orgs": orgs.largest(10),
        },
    )


def search(request):
    """The search page; ``format=json|atom|csv`` gives the same search in another form."""
    params, form = parse_search(request.GET)
    canonical = reverse("articles:search") + params.querystring()
    if form.redirects:
        return HttpResponsePermanentRedirect(canonical)
    problems = form.notes or form.errors_shown
    if not problems and _pairs(request) != params.pairs():
        return HttpResponsePermanentRedirect(canonical)
    if params.format == "atom":
        return SearchFeed()(request)
    if params.format == "csv":
        return search_csv(request, params)

    from .search import SearchUnavailable

    html_params = params.edited(format="html", page=params.page, facets=True)
    try:
        page = selectors.search_page(params, names=form.names)
        changes = None
        if not page.total and params.format != "json":
            changes = zero_result_changes(html_params, page)  # more searches: inside the try
    except SearchUnavailable as exc:
        return _search_unavailable(request, params, form, str(exc))
    messages = [*form.errors_shown]
    if page.total and params.page > page.num_pages:
        messages.append(
            f"Page {params.page} is past the end of these results: "
            f"there {'is' if page.num_pages == 1 else 'are'} {page.num_pages} "
            f"page{'s' if page.num_pages != 1 else ''}."
        )
    notes = [*form.notes, *page.notes]
    if params.format == "json":
        return JsonResponse(_search_json(request, page, notes, messages))
    return render(
        request,
        "articles/search.html",
        {
            "params": html_params,
            "first_number": (params.page - 1) * selectors.PER_PAGE + 1,
            "page": page,
            "changes": changes,
            "notes": notes,
            "messages_shown": messages,
            "canonical_url": request.build_absolute_uri(
                reverse("articles:search") + html_params.querystring()
            ),
            "noindex": bool(problems) or params.page > 1,
        },
    )


def _search_request(params: SearchParams, **changes):
    """The articles.search request for a search state (one page, no facets by default)."""
    from . import search

    fields = {
        "q": params.q,
        "include": dict(params.include),
        "exclude": dict(params.exclude),
        "date_from": params.date_from,
        "date_to": params.date_to,
        "sort": params.sort,
        "page": 1,
        "per_page": selectors.PER_PAGE,
        "facets": False,
    }
    return search.SearchRequest(**{**fields, **changes})


@dataclass
class Change:
    """One edit of a search with no results, and how many articles it would find."""

    text: str
    url: str
    count: int


@dataclass
class ZeroResultChanges:
    helpful: list[Change]  # most articles first
    unhelpful: list[Change]  # still no articles
    everything: Change | None  # all filters dropped, offered when no single change helps


MAX_CHANGES = 12  # each is a count over the index; a pasted URL can carry many filters


def zero_result_changes(params: SearchParams, page) -> ZeroResultChanges | None:
    """For each active filter, what dropping it alone would find (counts only)."""
    from django.template.defaultfilters import truncatechars

    from . import search

    def url(p: SearchParams) -> str:
        return reverse("articles:search") + p.querystring()

    candidates: list[tuple[str, SearchParams]] = []
    if params.q and params.has_filters:
        words = truncatechars(params.q, 60)
        candidates.append((f"Search without the words “{words}”", params.without_field("q")))
    by_field: dict[str, list] = {}
    for chip in page.chips:
        if chip.value.startswith("-"):  # leaving out one exclusion can only add articles
            candidates.append((f"Drop “{chip.text}”", params.without_value(chip.field, chip.value)))
        else:  # one value of several (OR) only narrows: drop the field's whole selection
            by_field.setdefault(chip.field, []).append(chip)
    for field_name, chips in by_field.items():
        without = params.edited(
            include={k: v for k, v in params.include.items() if k != field_name}
        )
        text = " or ".join(c.text.split(": ", 1)[-1] for c in chips)
        label = chips[0].text.split(": ", 1)[0]
        candidates.append((f"Drop “{label}: {text}”", without))
    if params.date_from:
        candidates.append(("Drop the start date", params.without_field("from")))
    if params.date_to:
        candidates.append(("Drop the end date", params.without_field("to")))
    if not candidates:
        return None
    changes = [
        Change(text, url(p), search.count_articles(_search_request(p)))
        for text, p in candidates[:MAX_CHANGES]
    ]
    helpful = sorted((c for c in changes if c.count), key=lambda c: -c.count)
    everything = None
    if not helpful and len(candidates) - bool(params.q) > 1:
        bare = params.edited(include={}, exclude={}, date_from=None, date_to=None)
        text = (
            f"Keep only the words “{truncatechars(params.q, 60)}”"
            if params.q
            else ("Drop every filter")
        )
        everything = Change(text, url(bare), search.count_articles(_search_request(bare)))
    return ZeroResultChanges(helpful, [c for c in changes if not c.count], everything)


def _search_unavailable(request, params: SearchParams, form, message: str):
    """The engine is down: say so (503), rather than "no articles match"."""
    if params.format == "json":
        return JsonResponse({"error": message, "notes": [*form.notes, message]}, status=503)
    html_params = params.edited(format="html", page=params.page, facets=True)
    summary = selectors.describe(params, lambda field, slug: form.names.get((field, slug), slug))
    page = selectors.SearchPage(
        params=html_params,
        total=0,
        results=[],
        facets=[],
        chips=[],
        summary=summary,
        suggestion=None,
        notes=[],
        num_pages=0,
    )
    response = render(
        request,
        "articles/search.html",
        {
            "params": html_params,
            "page": page,
            "notes": form.notes,
            "messages_shown": [*form.errors_shown, message],
            "unavailable": True,
            "canonical_url": request.build_absolute_uri(
                reverse("articles:search") + html_params.querystring()
            ),
            "noindex": True,
        },
        status=503,
    )
    response["Retry-After"] = "60"
    return response


def _pairs(request) -> list[tuple[str, str]]:
    return [(k, v) for k, values in request.GET.lists() for v in values]


def _search_json(request, page: selectors.SearchPage, notes, messages) -> dict:
    params: SearchParams = page.params
    html = params.edited(format="html", page=params.page)

    def absolute(p: SearchParams) -> str:
        return request.build_absolute_uri(reverse("articles:search") + p.querystring())

    links = {
        "self": absolute(params),
        "html": absolute(html),
        "atom": absolute(params.edited(format="atom")),
        "csv": absolute(params.edited(format="csv")),
    }
    if params.page > 1:
        links["prev"] = absolute(params.edited(format="json", page=params.page - 1))
    if params.page < page.num_pages:
        links["next"] = absolute(params.edited(format="json", page=params.page + 1))
    return {
        "query": {
            "q": params.q,
            "include": {k: list(v) for k, v in params.include.items()},
            "exclude": {k: list(v) for k, v in params.exclude.items()},
            "from": params.date_from.isoformat() if params.date_from else None,
            "to": params.date_to.isoformat() if params.date_to else None,
            "sort": params.sort,
            "page": params.page,
        },
        "summary": page.summary,
        "total": page.total,
        "page": params.page,
        "pages": page.num_pages,
        "per_page": selectors.PER_PAGE,
        "results": [
            {
                "id": row.article.id,
                "url": request.build_absolute_uri(row.article.get_absolute_url()),
                "headline": row.article.headline,
                "headline_html": row.headline_html,
                "snippet_html": row.snippet_html,
                "source": (
                    {"slug": row.article.source.slug, "name": row.article.source.name}
                    if row.article.source_id
                    else None
                ),
                "published": row.article.published.isoformat() if row.article.published else None,
                "section": row.article.section,
                "original_url": row.article.original_link,
            }
            for row in page.results
        ],
        "facets": {
            group.field: [
                {
                    "slug": v.slug,
                    "name": v.name,
                    "count": v.count,
                    "selected": v.selected,
                    "excluded": v.excluded,
                }
                for v in group.values
            ]
            for group in page.facets
            if params.facets
        },
        "facet_value_counts": {
            group.field: group.value_count for group in page.facets if params.facets
        },
        "suggestion": page.suggestion,
        "notes": [*notes, *messages],
        "links": links,
    }


class _Echo:
    def write(self, value):
        return value


CSV_HEADER = [
    "id",
    "published",
    "source",
    "section",
    "headline",
    "original_url",
    "newsroom_url",
    "places",
    "organizations",
    "people",
]


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    # A cell starting like a formula would run in a spreadsheet (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def search_csv(request, params: SearchParams) -> StreamingHttpResponse:
    """Every article of the search, not one page, streamed in the search's order."""
    from . import search

    sort = params.sort if params.sort != "relevance" or params.q else "newest"
    search_request = _search_request(params, sort=sort)

    def rows():
        writer = csv.writer(_Echo())
        yield writer.writerow(CSV_HEADER)
        ids = search.iter_result_ids(search_request)
        while chunk := list(islice(ids, 500)):
            articles = (
                Article.objects.filter(id__in=chunk, is_published=True)
                .select_related("source")
                .only("id", "slug", "headline", "published", "section", "url", "source__name")
                .in_bulk()
            )
            names: dict[int, dict[str, list[str]]] = {}
            for article_id, kind, name in (
                Mention.objects.filter(article_id__in=chunk, suppressed=False)
                .order_by("-count", "entity__name")
                .values_list("article_id", "entity__kind", "entity__name")
            ):
                names.setdefault(article_id, {}).setdefault(kind, []).append(name)
            for article_id in chunk:
                article = articles.get(article_id)
                if article is None:
                    continue
                found = names.get(article_id, {})
                yield writer.writerow(
                    [
                        _csv_cell(v)
                        for v in (
                            article.id,
                            article.published.isoformat() if article.published else "",
                            article.source.name if article.source_id else "",
                            article.section,
                            article.headline,
                            article.original_link,
                            request.build_absolute_uri(article.get_absolute_url()),
                            "; ".join(found.get("place", [])),
                            "; ".join(found.get("organization", [])),
                            "; ".join(found.get("person", [])),
                        )
                    ]
                )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    name = slugify(params.q)[:40] or "all"
    response["Content-Disposition"] = f'attachment; filename="newsroom-search-{name}.csv"'
    return response


def search_values(request, field: str):
    """Every value of one filter in the current search's results, with a box to find one."""
    if field not in FILTER_FIELDS:
        raise Http404("No such filter.")
    query = request.GET.copy()
    find = " ".join(query.pop("find", [""])[-1].split())[:100]
    params, form = parse_search(query)
    listing = selectors.facet_value_listing(params, field, find=find)
    return render(
        request,
        "articles/search_values.html",
        {
            "params": params.edited(format="html"),
            "field": field,
            "listing": listing,
            "find": find,
            "notes": form.notes + form.errors_shown,
            "hidden_pairs": params.pairs(with_page=False, with_format=False),
        },
    )


def search_feed(request):
    return SearchFeed()(request)


def article_detail(request, pk, slug=None):
    from . import search

    found = selectors.article_with_mentions(pk)
    if found is None:
        raise Http404("No published article with this number.")
    article, mentions = found
    if slug != article.slug:
        return redirect(article, permanent=True)
    related = selectors.articles_in_order(search.more_like_this(article.pk, limit=5))
    field_of = {"place": "place", "organization": "org", "person": "person"}
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "mentions": mentions,
            "entity_groups": [
                (label, field_of[kind], [m.entity for m in mentions if m.entity.kind == kind])
                for kind, label in (
                    ("place", "Places"),
                    ("organization", "Organizations"),
                    ("person", "People"),
                )
            ],
            "related": [a for a in related if a.pk != article.pk],
        },
    )


def browse(request, kind: str):
    """A–Z list of outlets, places, organizations or people, each linking to its search."""
    field, title, singular = BROWSE_KINDS[kind]
    directory = (
        selectors.source_directory()
        if field == "source"
        else selectors.entity_directory({"org": "organization"}.get(field, field))
    )
    entries, letters = directory.entries, directory.letters
    letter = request.GET.get("letter", "").strip().upper()[:1]
    query = " ".join(request.GET.get("q", "").split())[:200]
    if letter not in letters:
        letter = ""
    # Big lists open on the most named entries; a letter or a search shows the rest.
    shown = selectors.filter_directory(entries, letter=letter, query=query)
    top_only = not letter and not query and len(entries) > 300
    if top_only:
        shown = sorted(directory.largest(100), key=lambda e: e.name.casefold())
    groups = None
    if field == "place":
        codes = {e.country for e in shown}
        countries = selectors.country_names(codes)
        by_country: dict[str, list] = {}
        for entry in shown:
            by_country.setdefault(entry.country, []).append(entry)
        groups = sorted(
            (
                (
                    countries.get(code, "") if code else "Elsewhere",
                    next((e for e in items if e.feature == "country"), None),
                    items,
                )
                for code, items in by_country.items()
            ),
            key=lambda g: (g[0] == "Elsewhere", g[0].casefold()),
        )
    return render(
        request,
        "articles/browse.html",
        {
            "kind": kind,
            "nav": kind,
            "field": field,
            "title": title,
            "singular": singular,
            "entries": shown,
            "groups": groups,
            "letters": letters,
            "letter": letter,
            "query": query,
            "total": len(entries),
            "top_only": top_only,
            "browse_kinds": [(k, v[1]) for k, v in BROWSE_KINDS.items()],
            "filter_fields": FILTER_FIELDS,
        },
    )
