"""The search in other forms than the page: JSON (one page of results) and CSV (all of them)."""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Callable, Iterator
from itertools import islice

from django.urls import reverse
from django.utils.text import slugify

from .. import search, selectors
from ..forms.search import SearchParams
from ..search.vocabulary import PER_PAGE
from .dates import date_json
from .search import SearchPage, search_request
from .story import article_json
from .timeline import TimelineChart

AbsoluteURI = Callable[[str], str]  # request.build_absolute_uri


def search_json(
    page: SearchPage, notes: list[str], messages: list[str], absolute_uri: AbsoluteURI
) -> dict:
    """The search page as JSON: the query, the results with their links, the facets."""
    params: SearchParams = page.params
    html = params.edited(format="html", page=params.page)

    def absolute(p: SearchParams) -> str:
        return absolute_uri(reverse("articles:search") + p.querystring())

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
            "require": {k: list(v) for k, v in params.require.items()},
            "from": params.date_from.isoformat() if params.date_from else None,
            "to": params.date_to.isoformat() if params.date_to else None,
            "sort": params.sort,
            "page": params.page,
            "stories": "on" if params.stories else "off",
        },
        "summary": page.summary,
        "total": page.total,
        "page": params.page,
        "pages": page.num_pages,
        "per_page": PER_PAGE,
        "results": [
            {
                "id": row.article.id,
                "url": absolute_uri(row.article.get_absolute_url()),
                "headline": row.article.headline,
                "headline_html": row.headline_html,
                "snippet_html": row.snippet_html,
                "source": (
                    {"slug": row.article.source.slug, "name": row.article.source.name}
                    if row.article.source_id
                    else None
                ),
                # the date the source states; "date" says which date the archive uses and how
                # it was obtained
                "published": row.article.published.isoformat() if row.article.published else None,
                "date": date_json(row.article),
                "authors": [
                    {
                        "name": author.name,
                        "slug": author.slug,
                        "url": absolute_uri(author.get_absolute_url()),
                    }
                    for author in row.article.author_list
                ],
                "section": row.article.section,
                "original_url": row.article.original_link,
                "story": story_summary_json(row, absolute_uri),
            }
            for row in page.results
        ],
        # Collapsed stories: the matches of this page (``covered``) are the results, the
        # other matches of their stories listed under them (``folded``), and those whose
        # story a result of an earlier page stands for.
        "covered": page.covered or len(page.results),
        "folded": sum(row.folded for row in page.results),
        "shown_earlier": page.shown_earlier,
        "facets": {
            group.field: [
                {
                    "slug": v.slug,
                    "name": v.name,
                    "count": v.count,
                    "selected": v.selected,
                    "excluded": v.excluded,
                    "url": absolute_uri(v.url) if v.url else None,
                    **({"description": v.description} if v.description else {}),
                }
                for v in group.values
            ]
            for group in page.facets
            if params.facets
        },
        "counted": counted_json(page) if params.facets else None,
        "facet_value_counts": {
            group.field: group.value_count for group in page.facets if params.facets
        },
        "timeline": timeline_json(page.timeline, absolute_uri) if params.facets else None,
        "countries": (
            [
                {
                    "code": c.code,
                    "slug": c.slug,
                    "name": c.name,
                    "count": c.count,
                    "url": absolute_uri(c.url),
                }
                for c in page.world_map.countries
            ]
            if params.facets and page.world_map
            else None
        ),
        "suggestion": page.suggestion,
        "query_error": _query_error(page, absolute),
        "undated_left_out": page.undated_left_out,
        "notes": [*notes, *messages, *_undated_note(page.undated_left_out)],
        "links": links,
    }


def story_summary_json(row, absolute_uri: AbsoluteURI) -> dict | None:
    """A result's story: its id and page, and with stories collapsed how many articles it
    holds, from which outlets, the first of the others and how many of this page's matches
    are folded under the result."""
    article = row.article
    if not article.story_id:
        return None
    out = {
        "id": article.story_id,
        "url": absolute_uri(reverse("articles:story", kwargs={"pk": article.story_id})),
    }
    if row.story is not None:
        out.update(
            {
                "article_count": row.story.article_count,
                "more": row.story.more,
                "more_from": row.story.outlets,
                "others": [article_json(a, absolute_uri) for a in row.story.others],
                "folded": row.folded,
            }
        )
    return out


def _query_error(page: SearchPage, absolute: Callable[[SearchParams], str]) -> dict | None:
    """What could not be read, where (0-based character), and the search offered instead."""
    error = page.query_error
    if error is None:
        return None
    offered = page.params.edited(q=error.offered, page=1) if error.offered else None
    return {
        "message": error.message,
        "position": error.position,
        "near": error.near,
        "offered_query": error.offered,
        "offered_url": absolute(offered) if offered else None,
        "offered_html": absolute(offered.edited(format="html")) if offered else None,
    }


def counted_json(page: SearchPage) -> dict:
    """What each picture's numbers count, as the page says it; each number's ``url`` finds
    exactly that many articles."""
    within = "Articles with each value in these results."
    return {
        "facets": {group.field: group.counted_text or within for group in page.facets},
        "countries": "Articles per country in these results.",
        "timeline": "Articles per period in these results.",
    }


def timeline_json(chart: TimelineChart | None, absolute_uri: AbsoluteURI) -> dict:
    """Articles per period, each with the link that narrows the search to it."""
    if chart is None:
        return {"unit": None, "periods": [], "undated": 0, "undated_url": None, "inferred": 0}
    return {
        "unit": chart.unit,
        "periods": [
            {
                "start": bar.start.isoformat(),
                "end": bar.end.isoformat(),
                "count": bar.count,
                "inferred": bar.inferred,
                "url": absolute_uri(bar.url) if bar.url else None,
            }
            for bar in chart.bars
        ],
        "undated": chart.undated,
        "undated_url": absolute_uri(chart.undated_url) if chart.undated_url else None,
        "inferred": chart.inferred,
    }


def _undated_note(count: int) -> list[str]:
    if not count:
        return []
    noun = "article also matches" if count == 1 else "articles also match"
    return [f"{count:,} undated {noun}; the dates leave them out (year=undated finds them)."]


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
    # after the columns older exports had, so their positions stay
    "date",
    "date_source",
    "date_precision",
    "authors",
]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    text = "" if value is None else str(value)
    # A cell starting like a formula would run in a spreadsheet (CSV injection); spreadsheets
    # read "＝" and the other compatibility forms of these as the plain ones.
    first = unicodedata.normalize("NFKC", text[:1])[:1]
    return "'" + text if first in FORMULA_STARTS else text


class _Echo:
    def write(self, value):
        return value


def csv_filename(params: SearchParams) -> str:
    return f"newsroom-search-{slugify(params.q)[:40] or 'all'}.csv"


def csv_lines(params: SearchParams, absolute_uri: AbsoluteURI) -> Iterator[str]:
    """Every article of the search, not one page, as CSV lines in the search's order."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    ids = search.iter_result_ids(search_request(params, page=1, facets=False))
    while chunk := list(islice(ids, 500)):
        articles = selectors.articles_for_export(chunk)
        names = selectors.entity_names_by_article(chunk)
        for article_id in chunk:
            article = articles.get(article_id)
            if article is None:
                continue
            found = names.get(article_id, {})
            row = (
                article.id,
                article.published.isoformat() if article.published else "",
                article.source.name if article.source_id else "",
                article.section,
                article.headline,
                article.original_link,
                absolute_uri(article.get_absolute_url()),
                "; ".join(found.get("place", [])),
                "; ".join(found.get("organization", [])),
                "; ".join(found.get("person", [])),
                article.date.isoformat() if article.date else "",
                article.date_source,
                article.date_precision,
                "; ".join(author.name for author in article.author_list),
            )
            yield writer.writerow([csv_cell(v) for v in row])
