"""Places, organizations and people in articles: spaCy NER plus document-level clean-up.

Pure functions, no Django. The pipeline name is a parameter (see :mod:`.pipeline`): a spaCy
package name, a path to a pipeline directory, or "builtin" for the fine-tuned pipeline shipped
in ``extraction/ner_model/``.

What happens after spaCy tags the text (all per document):

1. Mentions are cleaned: titles ("Lt. Gen.", "General", "President") and a leading "the" are
   dropped, possessive "'s" removed; nationality adjectives ("American", "Iraqi") and weapon
   names ("Patriot missiles") are not entities.
2. Spelling variants meet on :func:`names.name_key` ("Kata'ib" = "Kata’ib",
   "Hashd al-Sha’abi" = "Hashd al-Shaabi").
3. Acronyms defined in the text ("Popular Mobilization Units (PMU) or Hashd al-Sha'abi") make
   one entity of the long form, the acronym and the "or ..." name.
4. Short names resolve to full ones ("al-Anbari" -> "Qusay al-Anbari", "General White" ->
   "Robert P. White", "Kata'ib" -> "Kata'ib Hezbollah") when the match is unique.
5. Each merged entity takes the kind most of its mentions were tagged with (a name tagged
   place three times and person once is a place); ties go to the gazetteer. People the
   tagger called organizations are people: after a personal title ("President Trump"), when
   shaped like a person's name with another person of that surname in the story
   (:mod:`person_names`), and a short form resolved to a person ("Trump" of "Donald Trump").
   Names used as diseases ("the COVID-19 pandemic") are not entities.
6. Places are resolved with the gazetteer (:mod:`places`): ISO country, feature,
   coordinates; countries are named as the gazetteer names them ("US" -> "United States").
   A place the gazetteer does not know takes the country of a known place next to it
   ("Iraq's Ain al-Asad base", "Jurf al-Nasr near Baghdad") and a feature from the word
   around it ("base", "province", "town").

Modules, in the order a document goes through them: :mod:`.pipeline` (spaCy, worker
processes), :mod:`.document` (the passes in order), :mod:`.mentions` (1, 2),
:mod:`.mention_passes` (datelines, photo credits, split names, diseases, people by shape),
:mod:`.merging` (3, 4), :mod:`.building` (5), :mod:`.place_resolution` (6 and the country
roll-up, :func:`article_countries`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..headlines import sentence_case
from ..types import ParsedArticle
from .building import WELL_KNOWN_CITY
from .document import EntityResult, entities_from_doc
from .pipeline import (
    BUILTIN_MODEL,
    load_pipeline,
    pool_map,
    resolve_model,
    run_pipeline,
    shutdown_pools,
)
from .place_resolution import article_countries

__all__ = [
    "BUILTIN_MODEL",
    "WELL_KNOWN_CITY",
    "EntityResult",
    "article_countries",
    "article_text",
    "entities_from_doc",
    "find_entities",
    "load_pipeline",
    "resolve_model",
    "shutdown_pools",
]


def article_text(article: ParsedArticle, *, for_tagger: bool = False) -> str:
    """The text entities are looked for in: title, photo caption, body.

    ``for_tagger``: the same text (same length, same offsets) with a Title-Case headline in
    sentence case, as the tagger reads best (see :mod:`headlines`).
    """
    title = (article.title or "").strip()
    body = (article.body or "").strip()
    if title and body.startswith(title):
        title = ""  # readers that repeat the headline as the first line of the body
    if title and for_tagger:
        title = sentence_case(title, body)
    parts = [p.strip() for p in (title, article.caption, body) if p and p.strip()]
    return "\n\n".join(parts)


def find_entities(
    articles: Sequence[ParsedArticle], *, model: str, n_process: int = 1, batch_size: int = 64
) -> list[EntityResult]:
    """Places, organizations and people of each article, in input order."""
    articles = list(articles)
    if not articles:
        return []
    # (what the tagger reads, the text as written): surfaces are taken from the latter
    texts = [(article_text(a, for_tagger=True), article_text(a)) for a in articles]
    if n_process > 1 and len(texts) >= 2 * max(8, batch_size // 4):
        return _with_countries(pool_map(model, n_process, texts, batch_size), articles)
    return _with_countries(run_pipeline(model, texts, batch_size), articles)


def _with_countries(
    results: list[EntityResult], articles: Sequence[ParsedArticle]
) -> list[EntityResult]:
    for result, article in zip(results, articles, strict=False):
        body = "\n\n".join(p for p in (article.caption, article.body) if p)
        result.countries = article_countries(
            result.places, article.title, body, nationalities=result.nationalities
        )
    return results
