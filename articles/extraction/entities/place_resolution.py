"""Places found in one document, resolved: gazetteer readings guided by "City, State"
containers, one entity for the names of one place ("U.S." and "United States"), a country and
feature from the words and places around a place the gazetteer does not know; and the
country roll-up of an article (:func:`article_countries`). Pure, no Django.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from ..names import name_key
from ..places import CONTAINER_FEATURES, NAMED_FEATURES, gazetteer
from ..types import FoundEntity
from ..wordlists import CUE_BEFORE_PLACE, FEATURE_WORDS
from .mentions import Mention

_CONTAINER_GAP = re.compile(r"\s*,\s*")


def _place_cue(doc, ms: list[Mention]) -> bool:
    """Does any mention of an unknown one-word place stand where places stand ("in X")?"""
    for m in ms:
        if m.start < 0 or m.end - m.start > 1:
            return True  # several words ("Jurf al-Nasr"), or added by a rule: keep
        if m.start > 0 and doc[m.start - 1].lower_ in CUE_BEFORE_PLACE:
            return True
        if m.start == 0 or doc[m.start - 1].is_space or "\n" in doc[m.start - 1].whitespace_:
            return True  # starts a line: a dateline ("SEOUL 1996-08-22", "TEHRAN - ")
    return False


def _feature_from_context(doc, ms: list[Mention]) -> str:
    votes: Counter = Counter()
    for m in ms:
        last = m.text.split()[-1].lower() if m.text.split() else ""
        if last in FEATURE_WORDS:
            votes[FEATURE_WORDS[last]] += 2
        if m.start < 0:
            continue
        nxt = [t.lower_ for t in doc[m.end : m.end + 2]]
        if nxt and nxt[0] in FEATURE_WORDS:
            votes[FEATURE_WORDS[nxt[0]]] += 1
        elif nxt[:2] == ["air", "base"]:
            votes["base"] += 1
        prev = [t.lower_ for t in doc[max(0, m.start - 2) : m.start]]
        if len(prev) == 2 and prev[1] == "of" and prev[0] in FEATURE_WORDS:
            votes[FEATURE_WORDS[prev[0]]] += 1
    return votes.most_common(1)[0][0] if votes else ""


def _country_from_context(
    ms: list[Mention], resolved: list[tuple[int, int, str]], window: int = 10
) -> str:
    votes: Counter = Counter()
    for m in ms:
        if m.start < 0:
            continue
        for s, e, cc in resolved:
            gap = s - m.end if s >= m.end else m.start - e if e <= m.start else 0
            if gap <= window:
                votes[cc] += window + 1 - gap
    return votes.most_common(1)[0][0] if votes else ""


def article_countries(
    places,
    title: str,
    body: str,
    *,
    nationalities: dict[str, dict[str, int]] | None = None,
    lead_chars: int = 200,
    min_mentions: int = 3,
) -> list[str]:
    """Country roll-up: the ISO codes of the countries an article is about.

    A country counts when one of its places is named in the title or the lead (the first
    ``lead_chars`` characters of the body, where a wire dateline sits) or when its places are
    mentioned at least ``min_mentions`` times in all; a country named once in passing deep in
    the story does not. ``places`` are FoundEntity objects or dicts as `manage.py extract`
    prints them ({"country", "mentions": [surfaces], "count"}). Nationality adjectives
    (``EntityResult.nationalities``: "Swiss industrial output") count like places of their
    country. Most-mentioned first.
    """
    lead = f"{title}\n\n{body[:lead_chars]}".lower()
    counts: Counter = Counter()
    in_lead: set[str] = set()
    for place in places:
        if isinstance(place, dict):
            cc, surfaces = place.get("country"), list(place.get("mentions") or [])
            n = int(place.get("count") or len(surfaces))
        else:
            cc, surfaces, n = place.country, list(place.mentions), place.count
        if not cc:
            continue
        counts[cc] += n
        if any(s and s.lower() in lead for s in surfaces):
            in_lead.add(cc)
    for cc, forms in (nationalities or {}).items():
        counts[cc] += sum(forms.values())
        if any(re.search(rf"\b{re.escape(f.lower())}\b", lead) for f in forms):
            in_lead.add(cc)
    return [cc for cc, n in counts.most_common() if n >= min_mentions or cc in in_lead]


def resolve_places(doc, text: str, entities: list[tuple[int, FoundEntity, list[Mention]]]) -> None:
    """Places get the gazetteer's reading (guided by "City, State" containers): country,
    feature, coordinates, and the gazetteer's own name for countries and states. Names of one
    place become one entity (the others' kind is "merged"). A place the gazetteer does not
    know takes its country and feature from the words and places around it, and is
    "dropped" when nothing says it is a place."""
    place_entities = [(entity, ms) for _, entity, ms in entities if entity.kind == "place"]
    containers, container_reading = _containers(text, place_entities)
    resolved_spans: list[tuple[int, int, str]] = []
    pending: list[tuple[FoundEntity, list[Mention]]] = []
    resolved_to: dict = {}
    for entity, ms in place_entities:
        place = _resolve(entity, containers.get(id(entity)), container_reading.get(id(entity)))
        if entity.country:
            for m in ms:
                if m.start >= 0:
                    resolved_spans.append((m.start, m.end, entity.country))
        if place is None:
            pending.append((entity, ms))
        else:
            resolved_to[id(entity)] = place
    _merge_names_of_one_place(entities, resolved_to)
    for entity, ms in pending:
        entity.feature = _feature_from_context(doc, ms)
        if not entity.country:
            entity.country = _country_from_context(ms, resolved_spans)
        if not entity.feature and not _place_cue(doc, ms):
            entity.kind = (
                "dropped"  # "Hunting the Crow", "...: Report": a capitalised word, no place
            )


def _containers(
    text: str, place_entities: list[tuple[FoundEntity, list[Mention]]]
) -> tuple[dict[int, list], dict[int, Counter]]:
    """ "Atlanta, Georgia": the places each place entity is named inside of (by id), and for
    each container entity how often each of its readings contained another place."""
    gaz = gazetteer()
    starts = {m.start_char: (id(entity), m) for entity, ms in place_entities for m in ms}
    containers: dict[int, list] = defaultdict(list)  # entity -> the containers it is in
    container_reading: dict[int, Counter] = defaultdict(Counter)  # container -> its reading
    for entity, ms in place_entities:
        for m in ms:
            gap = _CONTAINER_GAP.match(text, m.end_char)
            if not gap or gap.end() not in starts:
                continue
            owner, m2 = starts[gap.end()]
            if owner == id(entity):
                continue
            inner_places = gaz.candidates(m.text)
            inner = inner_places[0] if inner_places else None
            if inner is not None and inner.feature in (*NAMED_FEATURES, "continent"):
                continue  # "Bahrain, Kuwait": a list, not "City, Country"
            # "Atlanta, Georgia": of the container's readings, the one the place lies in
            outer = next(
                (
                    o
                    for o in gaz.candidates(m2.text)
                    if o.country
                    and o.feature in CONTAINER_FEATURES
                    and any(gaz.inside(p, o) for p in inner_places)
                ),
                None,
            )
            if outer is None:
                outer = gaz.lookup(m2.text)
                if outer is None or not outer.country or outer.feature not in CONTAINER_FEATURES:
                    continue
            if inner is not None and inner.feature == "region" and outer.feature == "region":
                continue
            containers[id(entity)].append(outer)
            container_reading[owner][outer] += 1
    return containers, container_reading


def _resolve(entity: FoundEntity, inside: list | None, reading: Counter | None):
    """The gazetteer's reading of a place entity (a Place, or None), written into the entity:
    within its containers when it is named inside some, the reading that contained other
    places when it is a container, else the best reading of its names."""
    gaz = gazetteer()
    surfaces = [entity.name, *sorted(entity.mentions, key=lambda s: -entity.mentions[s])]
    candidates: list = []
    for surface in surfaces:
        for cand in gaz.candidates(surface):
            if cand not in candidates:
                candidates.append(cand)
    place = None
    if inside:
        place = next(
            (c for c in candidates if any(gaz.inside(c, o) for o in inside)), None
        ) or next((c for c in candidates if c.country in {o.country for o in inside}), None)
        if place is not None and place.feature == "country":
            place = None
        if place is None:
            entity.country = Counter(o.country for o in inside).most_common(1)[0][0]
    elif reading:
        place = reading.most_common(1)[0][0]  # Georgia the state, once Atlanta is in it
    elif candidates:
        place = candidates[0]
    if place is not None:
        entity.country = place.country
        entity.feature = place.feature
        entity.latitude = place.latitude
        entity.longitude = place.longitude
        if place.feature in NAMED_FEATURES:
            official = re.sub(r"^The ", "", place.name)
            if name_key(official) != name_key(entity.name) and entity.name not in entity.aliases:
                entity.aliases.insert(0, entity.name)
            entity.name = official
    return place


def _merge_names_of_one_place(
    entities: list[tuple[int, FoundEntity, list[Mention]]], resolved_to: dict
) -> None:
    """ "U.S." and "United States" are one place once the gazetteer has spoken: the first
    entity of a place takes the others' mentions and names, theirs become "merged"."""
    first_of: dict = {}
    for _, entity, _ms in entities:
        place = resolved_to.get(id(entity))
        if place is None:
            continue
        keep = first_of.setdefault(place, entity)
        if keep is entity:
            continue
        for surface, n in entity.mentions.items():
            keep.mentions[surface] = keep.mentions.get(surface, 0) + n
        for alias in [entity.name, *entity.aliases]:
            if name_key(alias) != name_key(keep.name) and alias not in keep.aliases:
                keep.aliases.append(alias)
        entity.kind = "merged"
