"""Thin views: parse the request, ask page assembly (articles.pages) for the page, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import (
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse

from .feeds import SearchFeed
from .forms.compare import COMPARE_PERIODS, MAX_COMPARED, parse_compare
from .forms.parameters import parse_listing_page, parse_page_format, whole_number
from .forms.search import SearchForm, SearchParams, parse_search
from .pages import search_formats
from .pages.article import article_page
from .pages.authors import author_json, author_page
from .pages.browse import BROWSE_KINDS, browse_page, home_page
from .pages.compare import (
    compare_csv,
    compare_description,
    compare_filename,
    compare_json,
    compare_page,
    compare_url,
)
from .pages.entity import (
    ENTITY_PATHS,
    KIND_PATHS,
    MissingEntity,
    entity_json,
    entity_page,
    entity_url,
    find_entity,
    mentions_json,
    mentions_page,
    mentions_url,
)
from .pages.search import SearchPage, describe, facet_value_listing, search_page, search_url
from .pages.search_help import LIMITS, help_examples
from .pages.story import other_coverage, story_json, story_page
from .pages.unmatched import unmatched_json, unmatched_values
from .pages.zero_results import zero_result_changes
from .search import SearchUnavailable, check_query
from .search.vocabulary import FILTERS, KIND_FILTERS


def home(request):
    canonical = request.build_absolute_uri(reverse("articles:home"))
    return render(request, "articles/home.html", {**home_page(), "canonical_url": canonical})


def search(request):
    """The search page; ``format=json|atom|csv`` gives the same search in another form."""
    params, form = parse_search(request.GET)
    canonical = reverse("articles:search") + params.querystring()
    if form.redirects:
        return HttpResponsePermanentRedirect(canonical)
    problems = form.notes or form.errors_shown
    if not problems and _pairs(request) != params.pairs():
        return HttpResponsePermanentRedirect(canonical)
    if params.format in ("atom", "csv"):
        refused = _unreadable_query(params.q)
        if refused is not None:
            return refused
        return SearchFeed()(request) if params.format == "atom" else search_csv(request, params)

    html_params = params.edited(format="html", page=params.page, facets=True)
    try:
        page = search_page(params, names=form.names)
        changes = None
        if (
            not page.total
            and params.format != "json"
            and not params.unmatched
            and not page.query_error
        ):
            changes = zero_result_changes(html_params, page.chips)  # more searches: in the try
        unmatched = unmatched_values(html_params, search_url)
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
    # A query that cannot be read was not searched: the request cannot be done as asked.
    status = 400 if page.query_error else 200
    if params.format == "json":
        data = search_formats.search_json(page, notes, messages, request.build_absolute_uri)
        data["unmatched"] = unmatched_json(unmatched, request.build_absolute_uri)
        return JsonResponse(data, status=status)
    return render(
        request,
        "articles/search.html",
        {
            "params": html_params,
            "page": page,
            # The current search as hidden fields of each facet's "Find" form.
            "search_pairs": html_params.pairs(with_page=False, with_format=False),
            "changes": changes,
            "unmatched": unmatched,
            "notes": notes,
            # Said with their closest values where the results would be.
            "messages_shown": [m for m in messages if m not in {u.message for u in unmatched}],
            "canonical_url": request.build_absolute_uri(
                reverse("articles:search") + html_params.querystring()
            ),
            # Past the first page, after a correction, nothing found or unreadable: not
            # worth indexing.
            "noindex": bool(problems) or params.page > 1 or not page.total or status != 200,
        },
        status=status,
    )


def _unreadable_query(q: str) -> HttpResponse | None:
    """A plain-text refusal for a feed or file of a query that cannot be searched (never a
    feed or file of something else)."""
    try:
        error = check_query(q)
    except SearchUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    if error is None:
        return None
    text = error.message + (f"\nSearch instead for: {error.offered}" if error.offered else "")
    return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")


def search_help(request):
    """How to write a search: the query language, with examples that are links."""
    context = {"sections": help_examples(), "limits": LIMITS}
    return render(request, "articles/search_help.html", context)


def _search_unavailable(request, params: SearchParams, form: SearchForm, message: str):
    """The engine is down: say so (503), rather than "no articles match"."""
    if params.format == "json":
        return JsonResponse({"error": message, "notes": [*form.notes, message]}, status=503)
    html_params = params.edited(format="html", page=params.page, facets=True)
    summary = describe(params, lambda field, slug: form.names.get((field, slug), slug))
    page = SearchPage(html_params, 0, [], [], [], summary, None, [], 0)
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


def search_csv(request, params: SearchParams) -> StreamingHttpResponse:
    """Every article of the search, not one page, streamed in the search's order."""
    lines = search_formats.csv_lines(params, request.build_absolute_uri)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{search_formats.csv_filename(params)}"'
    )
    return response


def compare(request):
    """Up to four searches on one timeline; ``format=json|csv`` gives the same in another form."""
    params, form = parse_compare(request.GET)
    canonical = compare_url(params)
    problems = form.notes or form.errors_shown
    if form.redirects or (not problems and _pairs(request) != params.pairs()):
        return HttpResponsePermanentRedirect(canonical)
    meta = {
        "canonical_url": request.build_absolute_uri(canonical),
        "meta_title": "Compare" + (": " + " · ".join(params.queries) if params.queries else ""),
        "meta_description": compare_description(params),
    }
    try:
        page = compare_page(params)
        unmatched = unmatched_values(
            params.filters, lambda f: compare_url(params.edited(filters=f, format="html"))
        )
    except SearchUnavailable as exc:
        if params.format != "html":
            return JsonResponse({"error": str(exc)}, status=503)
        context = {"params": params, "messages_shown": [str(exc)], "unavailable": True, **meta}
        return render(request, "articles/compare.html", context, status=503)
    if params.format == "json":
        data = compare_json(page, request.build_absolute_uri)
        data["unmatched"] = unmatched_json(unmatched, request.build_absolute_uri)
        return JsonResponse({**data, "notes": [*form.errors_shown, *form.notes, *page.notes]})
    if params.format == "csv":
        response = HttpResponse(compare_csv(page), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{compare_filename(params)}"'
        return response
    return render(
        request,
        "articles/compare.html",
        {
            "params": params,
            "page": page,
            "notes": form.notes,
            "messages_shown": [
                m for m in form.errors_shown if m not in {u.message for u in unmatched}
            ],
            "unmatched": unmatched,
            "query_boxes": [*params.queries, *[""] * (MAX_COMPARED - len(params.queries))],
            "periods": COMPARE_PERIODS,
            "other_lines_url": _other_lines_url(params),
            "hidden_pairs": params.filters.pairs(with_page=False, with_format=False),
            **meta,
            "json_url": compare_url(params.edited(format="json")),
            "csv_url": compare_url(params.edited(format="csv")),
        },
    )


def _other_lines_url(params) -> str:
    """The same comparison with a line per outlet (one search) or per search; "" when
    there is nothing to split."""
    if params.by == "source":
        return compare_url(params.edited(by="search", format="html"))
    if len(params.queries) == 1:
        return compare_url(params.edited(by="source", format="html"))
    return ""


def search_values(request, field: str):
    """Every value of one filter in the current search's results, with a box to find one."""
    if field not in FILTERS:
        raise Http404("No such filter.")
    query = request.GET.copy()
    find = " ".join(query.pop("find", [""])[-1].split())[:100]
    letter = query.pop("letter", [""])[-1].strip().lower()[:1]
    letter = letter if letter.isascii() and (letter.isalpha() or letter == "#") else ""
    params, form = parse_search(query)  # its page is the page of values
    listing = facet_value_listing(params, field, find=find, letter=letter)
    return render(
        request,
        "articles/search_values.html",
        {
            "meta_title": f"All {listing.label_plural} · {listing.summary} · Newsroom",
            "meta_description": (
                f"{listing.total:,} {listing.label_plural} in the Newsroom archive's "
                f"articles for {listing.summary}, with how many articles name each."
            ),
            "params": params.edited(format="html", page=1),
            "field": field,
            "listing": listing,
            "find": find,
            "letter": letter,
            "notes": form.notes + form.errors_shown,
            "hidden_pairs": params.pairs(with_page=False, with_format=False),
        },
    )


def search_feed(request):
    params, _ = parse_search(request.GET, default_format="atom")
    return _unreadable_query(params.q) or SearchFeed()(request)


def article_detail(request, pk, slug=None):
    page = article_page(pk)
    if page is None:
        raise Http404("No published article with this number.")
    if slug != page.article.slug:
        return redirect(page.article, permanent=True)
    return render(
        request,
        "articles/article_detail.html",
        {
            "canonical_url": request.build_absolute_uri(page.article.get_absolute_url()),
            "article": page.article,
            "mentions": page.mentions,
            "entity_groups": page.entity_groups,
            "related": page.related,
            "coverage": other_coverage(page.article),
        },
    )


def story_detail(request, pk):
    """A story: every article of it by outlet and date, with its places, organizations and
    people; ``?format=json`` gives the same as JSON."""
    fmt, notes = parse_page_format(request.GET)
    page = story_page(pk)
    if page is None:
        if fmt == "json":
            return JsonResponse({"error": "No story with this number."}, status=404)
        raise Http404("No story with this number.")
    if fmt == "json":
        return JsonResponse(story_json(page, request.build_absolute_uri))
    canonical = request.build_absolute_uri(reverse("articles:story", kwargs={"pk": pk}))
    return render(
        request,
        "articles/story_detail.html",
        {"page": page, "notes": notes, "canonical_url": canonical},
    )


def entity_detail(request, kind: str, slug: str):
    """A place's, organization's or person's page; ``?format=json`` gives it as JSON."""
    fmt, notes = parse_page_format(request.GET)
    entity, moved = find_entity(kind, slug)
    if entity is None:
        missing = MissingEntity(kind, slug)
        if fmt == "json":
            return JsonResponse({"error": missing.message}, status=404)
        return render(request, "articles/entity_missing.html", {"missing": missing}, status=404)
    if moved:
        url = entity_url(entity.kind, entity.slug)
        return HttpResponsePermanentRedirect(url + ("?format=json" if fmt == "json" else ""))
    try:
        page = entity_page(entity)
    except SearchUnavailable as exc:
        if fmt == "json":
            return JsonResponse({"error": str(exc)}, status=503)
        context = {"missing": MissingEntity(kind, slug, unavailable=str(exc))}
        return render(request, "articles/entity_missing.html", context, status=503)
    if fmt == "json":
        return JsonResponse(entity_json(page, request.build_absolute_uri))
    canonical = request.build_absolute_uri(page.url)
    context = {"page": page, "notes": notes, "nav": page.nav, "canonical_url": canonical}
    return render(request, "articles/entity_detail.html", context)


def entity_mentions(request, kind: str, slug: str, listed: str):
    """Every place, organization or person mentioned with an entity, paged."""
    field = KIND_FILTERS.get(ENTITY_PATHS.get(listed, ""))
    if field is None:
        raise Http404("No such list.")
    fmt, page_number, notes = parse_listing_page(request.GET)
    entity, moved = find_entity(kind, slug)
    if entity is None:
        missing = MissingEntity(kind, slug)
        if fmt == "json":
            return JsonResponse({"error": missing.message}, status=404)
        return render(request, "articles/entity_missing.html", {"missing": missing}, status=404)
    if moved:
        return HttpResponsePermanentRedirect(
            mentions_url(entity.kind, entity.slug, field, page_number, fmt)
        )
    try:
        page = mentions_page(entity, field, page_number)
    except SearchUnavailable as exc:
        if fmt == "json":
            return JsonResponse({"error": str(exc)}, status=503)
        context = {"missing": MissingEntity(kind, slug, unavailable=str(exc))}
        return render(request, "articles/entity_missing.html", context, status=503)
    if page.page != page_number:
        notes.append(f"Page {page_number} is past the end: there are {page.num_pages}.")
    if fmt == "json":
        return JsonResponse({**mentions_json(page, request.build_absolute_uri), "notes": notes})
    canonical = request.build_absolute_uri(page.page_url(page.page))
    context = {
        "page": page,
        "notes": notes,
        "nav": KIND_PATHS[entity.kind],
        "canonical_url": canonical,
    }
    return render(request, "articles/entity_mentions.html", context)


def author_detail(request, slug: str):
    """An author's articles, newest first; ``?format=json`` gives them as JSON."""
    fmt, notes = parse_page_format({k: v for k, v in request.GET.items() if k != "page"})
    number = whole_number(request.GET.get("page", "1")) or 1
    page = author_page(slug, number)
    if page is None:
        raise Http404("No author by that name in the archive.")
    if fmt == "json":
        return JsonResponse(
            {**author_json(page, request.build_absolute_uri), "notes": notes},
            json_dumps_params={"ensure_ascii": False},
        )
    return render(
        request,
        "articles/author_detail.html",
        {
            "page": page,
            "notes": notes,
            "nav": "authors",
            "canonical_url": request.build_absolute_uri(request.path),
        },
    )


def browse(request, kind: str):
    """A–Z list of outlets, places, organizations or people, each linking to its search."""
    if kind not in BROWSE_KINDS:
        raise Http404("No such list.")
    letter = request.GET.get("letter", "").strip().upper()[:1]
    query = " ".join(request.GET.get("q", "").split())[:200]
    page = browse_page(kind, letter=letter, query=query)
    canonical = request.path + (f"?{urlencode({'letter': page.letter})}" if page.letter else "")
    return render(
        request,
        "articles/browse.html",
        {**page.context(), "canonical_url": request.build_absolute_uri(canonical)},
    )
