"""One spaCy Doc in, its places, organizations and people out: the passes, in order.
Pure, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..types import FoundEntity
from .building import typed_entities
from .mention_passes import (
    ampersand_firms,
    credit_mentions,
    dateline_mentions,
    join_split_names,
    nationalities,
    people_by_shape,
    without_diseases,
)
from .mentions import tagged_mentions
from .merging import (
    NameUnion,
    add_short_organization_mentions,
    key_kinds,
    link_acronyms,
    resolve_short_names,
)
from .place_resolution import resolve_places


@dataclass
class EntityResult:
    """The entities of one article, each kind most-mentioned first."""

    places: list[FoundEntity] = field(default_factory=list)
    organizations: list[FoundEntity] = field(default_factory=list)
    people: list[FoundEntity] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # article_countries(): what it is about
    # nationality adjectives seen (not entities): country -> {surface: count}, for the roll-up
    nationalities: dict[str, dict[str, int]] = field(default_factory=dict)


def entities_from_doc(doc, text: str | None = None) -> EntityResult:
    """Turn one spaCy Doc into merged, typed, gazetteer-resolved entities.

    ``text`` is the text as written when the tagger read it recased (same offsets; see
    :func:`entities.article_text`): names are reported as written.
    """
    text = doc.text if text is None else text
    mentions = tagged_mentions(doc, text)
    mentions += dateline_mentions(doc, text, mentions)
    mentions += credit_mentions(doc, text, mentions)
    mentions = join_split_names(doc, text, mentions)
    mentions = ampersand_firms(doc, text, mentions)
    mentions = without_diseases(doc, mentions)
    people_by_shape(doc, mentions)
    if not mentions:
        return EntityResult(nationalities=nationalities(doc, mentions))
    names = NameUnion()
    for m in mentions:
        names.find(m.key)
    acronym_keys = link_acronyms(doc, text, mentions, names)
    keys_by_kind = key_kinds(mentions)
    resolve_short_names(mentions, keys_by_kind, names)
    add_short_organization_mentions(doc, text, mentions, keys_by_kind, names)
    entities = typed_entities(doc, text, mentions, names, acronym_keys)
    resolve_places(doc, text, entities)
    result = EntityResult(nationalities=nationalities(doc, mentions))
    entities.sort(key=lambda t: (-t[1].count, t[0]))
    for _, entity, _ms in entities:
        if entity.kind == "place":
            result.places.append(entity)
        elif entity.kind == "organization":
            result.organizations.append(entity)
        elif entity.kind == "person":
            result.people.append(entity)
    return result
