"""A place's own name is not the building named after it: "parts of Golestan" (the Iranian
province) filed under "Golestan Palace" goes back to "Golestan".

A mention written only as the words a building's name starts with ("Golestan" of "Golestan
Palace"), in an article that never writes the building's name, names the place the archive
or the gazetteer knows by those words, whatever put it there (an import, an older
release). Each move is written down like a short name taken back
(reconcile.short_names.carry_out).
"""

from __future__ import annotations

from ...extraction.names import name_key
from ...extraction.places import gazetteer
from ...models import Entity, Mention
from .junk import BUILDING_WORDS
from .short_names import Move

KIND = "place"


def building_head(forms: list[str], key: str) -> str:
    """The place's key when every form is the start of the building ``key`` before its
    building word ("Golestan" of "golestan palace"), else ""."""
    words = key.split()
    if len(words) < 2 or words[-1] not in BUILDING_WORDS:
        return ""
    keys = {name_key(f) for f in forms if isinstance(f, str)}
    if len(keys) != 1:
        return ""
    (head,) = keys
    return head if head and " ".join(words[: len(head.split())]) == head != key else ""


def plan_moves() -> list[Move]:
    buildings = dict(Entity.objects.filter(kind=KIND, key__contains=" ").values_list("id", "key"))
    buildings = {pk: key for pk, key in buildings.items() if key.split()[-1] in BUILDING_WORDS}
    if not buildings:
        return []
    places = dict(Entity.objects.filter(kind=KIND).values_list("key", "id"))
    rows = Mention.objects.filter(
        entity_id__in=list(buildings), suppressed=False, origin=Mention.Origin.EXTRACTED
    ).values_list("id", "entity_id", "article_id", "surface_forms")
    moves = []
    for mention_id, entity_id, article_id, forms in rows.iterator(chunk_size=5000):
        head = building_head(forms or [], buildings[entity_id])
        if not head or (head not in places and gazetteer().lookup(head) is None):
            continue  # "Hoover" alone on "Hoover Dam": no place of that name to go back to
        form = next(f for f in forms if isinstance(f, str) and name_key(f) == head)
        evidence = {"site": buildings[entity_id]}
        moves.append(
            Move(
                mention_id, entity_id, article_id, places.get(head), head, form, evidence, kind=KIND
            )
        )
    return moves
