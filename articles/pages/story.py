"""Stories on the reader's pages: the story page, a search result's "and N more", an
article's "Other coverage of this story".

A story's articles are listed by outlet, then date; an exact or near-exact copy of an article
(``Article.copy_of``) is listed once, under the article it copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from .. import selectors
from ..models import Article, Entity, Story
from ..search.collapsing import StoryArticle
from ..search.vocabulary import KIND_FILTERS

PREVIEWED = 10  # a search result lists this many of its story's other articles
ENTITY_GROUPS = (
    (Entity.Kind.PLACE, "Places"),
    (Entity.Kind.ORGANIZATION, "Organizations"),
    (Entity.Kind.PERSON, "People"),
)


@dataclass
class Listed:
    """An article as a story lists it, with its copies (the same text again)."""

    article: Article
    copies: list[Article] = field(default_factory=list)


@dataclass
class OutletCoverage:
    name: str  # "" when the outlet is unknown
    slug: str
    articles: list[Listed]

    @property
    def count(self) -> int:
        return sum(1 + len(listed.copies) for listed in self.articles)


def by_outlet(articles: list[Article]) -> list[OutletCoverage]:
    """Articles (by outlet name, date, id) grouped by outlet, copies under their original."""
    shown = {a.id for a in articles}
    listed: dict[int, Listed] = {}
    outlets: dict[str, OutletCoverage] = {}
    for article in articles:
        if article.copy_of_id in shown and article.copy_of_id in listed:
            listed[article.copy_of_id].copies.append(article)
            continue
        name = article.source.name if article.source_id else ""
        slug = article.source.slug if article.source_id else ""
        outlet = outlets.setdefault(name, OutletCoverage(name, slug, []))
        listed[article.id] = Listed(article)
        outlet.articles.append(listed[article.id])
    return list(outlets.values())


def outlets_text(names: list[str]) -> str:
    """ "CNN", "CNN and Politico", "CNN, Politico and 3 other outlets"."""
    names = [n or "an unknown outlet" for n in names]
    if len(names) <= 1:
        return "".join(names)
    if len(names) <= 3:
        return f"{', '.join(names[:-1])} and {names[-1]}"
    return f"{', '.join(names[:2])} and {len(names) - 2} other outlets"


@dataclass
class StoryPreview:
    """What a search result says of the story it stands for."""

    story_id: int
    url: str
    article_count: int  # every published article of the story, this one included
    outlets: list[str]  # of the other articles, most articles first
    others: list[StoryArticle]  # the first PREVIEWED other articles, by outlet and date

    @property
    def more(self) -> int:
        return self.article_count - 1

    @property
    def more_text(self) -> str:
        """ "and 4 more from CNN and Politico"."""
        return f"and {self.more:,} more from {outlets_text(self.outlets)}"

    @property
    def listed_all(self) -> bool:
        return len(self.others) >= self.more


def story_url(story_id: int) -> str:
    return reverse("articles:story", kwargs={"pk": story_id})


def story_previews(
    shown: dict[int, int], articles: dict[int, list[StoryArticle]]
) -> dict[int, StoryPreview]:
    """Article id -> the preview of its story, for results (article id -> story id) whose
    story holds other published articles (``articles``: story id -> its published articles,
    by outlet and date, as the search read them with the results' stories)."""
    if not shown:
        return {}
    previews = {}
    for article_id, story_id in shown.items():
        others = [a for a in articles.get(story_id, ()) if a.id != article_id]
        if not others:  # the story's other articles were unpublished since it was counted
            continue
        other_outlets: dict[str, int] = {}
        for a in others:
            name = a.source.name if a.source_id else ""
            other_outlets[name] = other_outlets.get(name, 0) + 1
        previews[article_id] = StoryPreview(
            story_id,
            story_url(story_id),
            len(others) + 1,
            sorted(other_outlets, key=lambda n: (-other_outlets[n], n.casefold())),
            others[:PREVIEWED],
        )
    return previews


def other_coverage(article: Article) -> list[OutletCoverage]:
    """The other published articles of the article's story, by outlet (its copies too)."""
    if not article.story_id:
        return []
    others = selectors.story_articles([article.story_id]).get(article.story_id, [])
    return by_outlet([a for a in others if a.id != article.id])


@dataclass
class StoryPage:
    story: Story
    lead: Article | None
    outlets: list[OutletCoverage]
    entities: list[tuple[str, str, list[tuple[Entity, int]]]]  # (label, filter, entities)

    @property
    def article_count(self) -> int:
        return sum(o.count for o in self.outlets)

    @property
    def title(self) -> str:
        return self.lead.headline if self.lead else f"Story {self.story.pk}"


def story_page(pk: int) -> StoryPage | None:
    story = selectors.stories_by_id([pk]).get(pk)
    if story is None:
        return None
    articles = selectors.story_articles([pk]).get(pk, [])
    if not articles:
        return None
    lead = next((a for a in articles if a.id == story.lead_id), articles[0])
    found = selectors.story_entities(pk)
    entities = [(label, KIND_FILTERS[kind], found.get(kind, [])) for kind, label in ENTITY_GROUPS]
    return StoryPage(story, lead, by_outlet(articles), entities)


def article_json(article: Article, absolute_uri) -> dict:
    return {
        "id": article.id,
        "url": absolute_uri(article.get_absolute_url()),
        "headline": article.headline,
        "source": (
            {"slug": article.source.slug, "name": article.source.name}
            if article.source_id
            else None
        ),
        "published": article.published.isoformat() if article.published else None,
        "date": article.date.isoformat() if article.date else None,
        "copy_of": article.copy_of_id,
    }


def story_json(page: StoryPage, absolute_uri) -> dict:
    story = page.story
    return {
        "id": story.pk,
        "url": absolute_uri(story_url(story.pk)),
        "title": page.title,
        "lead": page.lead.id if page.lead else None,
        "article_count": page.article_count,
        "first_date": story.first_date.isoformat() if story.first_date else None,
        "last_date": story.last_date.isoformat() if story.last_date else None,
        "outlets": [
            {
                "name": outlet.name or None,
                "slug": outlet.slug or None,
                "articles": [
                    {
                        **article_json(listed.article, absolute_uri),
                        "copies": [article_json(c, absolute_uri) for c in listed.copies],
                    }
                    for listed in outlet.articles
                ],
            }
            for outlet in page.outlets
        ],
        **{
            field: [
                {"slug": entity.slug, "name": entity.name, "articles": n} for entity, n in found
            ]
            for _, field, found in page.entities
        },
    }
