"""Atom feed of any search: the same parameters as /search/, newest first unless asked.

Served at /search/feed/ and as /search/?format=atom, so a reader can subscribe to a filtered
view ("Kata'ib Hezbollah in Iraq · Press TV").
"""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from .forms.search import parse_search
from .pages.dates import date_label
from .pages.search import search_page

FEED_ITEMS = 50


class AuthorsAtomFeed(Atom1Feed):
    """Atom with one <author> per author of an entry (RFC 4287 allows several); the outlet
    stands in for an entry without a byline, as before."""

    def add_item_elements(self, handler, item):
        authors = item.get("authors") or []
        if not authors:
            return super().add_item_elements(handler, item)
        super().add_item_elements(handler, {**item, "author_name": None})
        for name, link in authors:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", link)
            handler.endElement("author")


class SearchFeed(Feed):
    feed_type = AuthorsAtomFeed

    def get_object(self, request, *args, **kwargs):
        params, form = parse_search(request.GET, default_format="atom")
        if "sort" not in request.GET:
            # Subscribers want what is new; an explicit sort=relevance is respected.
            params = params.edited(sort="newest", page=params.page)
        self.request = request
        html = params.edited(format="html", page=1)
        page = search_page(params, names=form.names, per_page=FEED_ITEMS)
        page.html_url = reverse("articles:search") + html.querystring()
        page.feed_messages = form.errors_shown  # a filter that names nothing, a bad date
        return page

    def title(self, page):
        return f"{page.summary} · Newsroom"

    def subtitle(self, page):
        return " ".join(
            [f"{page.count_text.capitalize()} in the Newsroom archive.", *page.feed_messages]
        )

    def link(self, page):
        return page.html_url

    def feed_url(self, page):
        return self.request.get_full_path()

    def feed_guid(self, page):
        return self.request.build_absolute_uri(page.html_url)

    def items(self, page):
        return page.results

    def item_title(self, row):
        return row.article.headline

    def item_description(self, row):
        # Already escaped, with <mark> around the matched words; Atom carries it as HTML. An
        # inferred date has no <published>: the summary says it, as such.
        if row.article.date_inferred:
            label = escape(date_label(row.article, long=True))
            return f"<p>Date: {label}</p>{row.snippet_html}"
        return row.snippet_html

    def item_link(self, row):
        return row.article.get_absolute_url()

    def item_pubdate(self, row):
        # Only a date the source states (or an editor's) is <published>; never an inferred one.
        published = row.article.date if not row.article.date_inferred else None
        if published is None:
            return None  # an undated article has no <published>, but still its <updated>
        return datetime.datetime.combine(published, datetime.time(), tzinfo=datetime.UTC)

    def item_updateddate(self, row):
        # RFC 4287 requires <updated> on every entry: the last change to the article here.
        return row.article.updated_at

    def item_author_name(self, row):
        return row.article.source.name if row.article.source_id else None

    def item_extra_kwargs(self, row):
        absolute = self.request.build_absolute_uri
        return {
            "authors": [(a.name, absolute(a.get_absolute_url())) for a in row.article.author_list]
        }

    def item_categories(self, row):
        return [row.article.section] if row.article.section else []
