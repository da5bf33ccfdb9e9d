"""Telling a person's name by its shape: "Donald Trump", "Robert P. White", "Nancy Pelosi".

The tagger sometimes calls a person an organization ("witnessed Trump lunge at", "Donald
Trump's Florida home"). A name the tagger found is person-shaped when it is two to four words,
starts with a given name (:func:`given_names`), carries no word organizations and
places are named with ("Ford Motor", "Aston Villa", "Johnson & Johnson", "Bank of America")
and is not an acronym. Shape alone cannot tell "Charles Schwab" the brokerage from a man of
that name, so callers ask for evidence too (entities: the same document; ingest: the archive).
Pure functions, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .wordlists import given_names

# Words organizations and places are named with; a name holding one is not a person's.
ORG_PLACE_WORDS = frozenset(
    """
    inc incorporated corp corporation co cos company companies ltd limited llc llp lp plc ag sa
    nv gmbh group holdings holding partners associates brothers bros sons capital fund funds
    trust securities investments investors bank bancorp financial insurance assurance
    exchange motor motors auto automotive airlines airline airways air aviation aerospace
    energy oil petroleum gas electric power steel mining foods food stores store brands
    systems technologies technology tech software labs laboratories pharmaceuticals pharma
    industries enterprises ventures solutions services service international global
    worldwide communications entertainment productions pictures films studios studio records
    media network networks tv radio channel broadcasting news times post journal herald
    tribune daily weekly magazine press gazette review telegraph chronicle observer
    party organization organisation foundation institute institution university college
    school academy seminary hospital clinic center centre museum library church cathedral
    mosque temple society association federation union league council committee commission
    board agency department ministry office bureau authority administration army navy
    force forces guard brigade regiment corps movement front alliance coalition campaign
    club fc afc cf sc united city athletic atletico rovers rangers wanderers albion villa
    hotspur town county borough district province state states republic kingdom empire
    street avenue road boulevard square plaza park river lake sea ocean bay beach island
    islands mountain mountains valley hills heights springs falls canyon forest tower towers
    hotel hotels casino resort resorts stadium arena hall house palace castle bridge
    airport station port harbour harbor field fields cup open trophy prize award awards
    festival show series games tour championship
    """.split()
)
PERSON_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_NAME_WORD = re.compile(r"^[A-Z][a-z]+(?:['’\-][A-Za-z][a-z]+)*$|^(?:Mc|Mac|O['’])[A-Z][a-z]+$")
_INITIAL = re.compile(r"^[A-Z]\.?$")
_PARTICLES = frozenset({"de", "da", "di", "van", "von", "der", "den", "la", "le", "bin", "al"})


def person_shaped(words: Sequence[str]) -> bool:
    """Could these words, as written, be a person's full name?

    "Donald Trump", "Robert P. White", "Donald J. Trump Jr.", "Ludwig van Beethoven": yes.
    "Morgan Stanley", "Ford Motor", "Aston Villa", "Johnson & Johnson", "Lloyd's", "Bank of
    America", "CNN", "Donald" alone: no.
    """
    words = [w.rstrip(",") for w in words]
    if words and words[-1].lower().rstrip(".") in PERSON_SUFFIXES:
        words = words[:-1]
    if not 2 <= len(words) <= 4 or words[0] not in given_names():
        return False
    if not _NAME_WORD.match(words[-1]) or words[-1].lower() in _PARTICLES:
        return False
    for word in words:
        low = word.lower().rstrip(".")
        if low in ORG_PLACE_WORDS:
            return False
        if not (_NAME_WORD.match(word) or _INITIAL.match(word) or low in _PARTICLES):
            return False  # "&", "of", "2024", "CNN", "iPhone"
    return True


def surname(key: str) -> str:
    """The last word of a name key, past "Jr." and "III": "donald trump jr" -> "trump"."""
    words = key.split()
    while len(words) > 1 and words[-1] in PERSON_SUFFIXES:
        words = words[:-1]
    return words[-1] if words else ""
