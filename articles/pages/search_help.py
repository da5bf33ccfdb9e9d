"""The search help page (/search/help/): the query language, each rule with examples that are
links to their search. The examples are checked by the tests to read without an error."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode

from ..search.prepare import MAX_FORMS
from ..search.query import MAX_DISTANCE, MAX_LEAVES, MIN_PREFIX


@dataclass
class Example:
    query: str
    meaning: str

    @property
    def url(self) -> str:
        return reverse("articles:search") + "?" + urlencode({"q": self.query})


@dataclass
class Section:
    title: str
    examples: list[Example]


def help_examples() -> list[Section]:
    return [
        Section(
            "Words and operators",
            [
                Example("tanker Hormuz", "both words: AND goes without saying between terms"),
                Example("tanker AND Hormuz", "the same"),
                Example('Hormuz OR "Gulf of Oman"', "either (or both)"),
                Example("tanker NOT Hormuz", "tanker, leaving out articles that say Hormuz"),
                Example("tanker -Hormuz", "the same: a minus sign right before a term"),
                Example('tanker (Hormuz OR "Gulf of Oman")', "parentheses group; they nest"),
                Example("tanker NOT (Hormuz OR Britain)", "NOT and - take a group too"),
            ],
        ),
        Section(
            "Phrases and proximity",
            [
                Example('"Strait of Hormuz"', "these words in this order, exactly as written"),
                Example('"iran sanctions"~5', "the words within 5 moves of this order"),
                Example("Iran NEAR/5 sanctions", "at most 5 words apart, in either order"),
            ],
        ),
        Section(
            "Word forms",
            [
                Example("sanction", "any form: sanction, sanctions, sanctioned"),
                Example("=sanction", "this form only"),
                Example("sanction*", "the words that begin with these letters"),
            ],
        ),
        Section(
            "Fields",
            [
                Example("headline:tanker", "in the headline (also title:)"),
                Example('headline:(Iran OR "Persian Gulf")', "a field takes a group"),
                Example('outlet:reuters OR source:"Press TV"', "by outlet: its name or link name"),
                Example('author:"Lisa Rathke"', "by author: the name in the byline (also byline:)"),
            ],
        ),
    ]


LIMITS = {
    "min_prefix": MIN_PREFIX,
    "max_forms": MAX_FORMS,
    "max_distance": MAX_DISTANCE,
    "max_leaves": MAX_LEAVES,
}
