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
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from .headlines import build_first_names
from .places import gazetteer
from .wordlists import GIVEN_NAMES_FILE, NAME_PARTICLES, TITLES, given_names

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


# Words that precede names or are parts of them without being given names; "Santa" starts
# place names ("Santa Clara", "Santa Fe") far more often than it is anyone's name.
_NOT_GIVEN = {"dos", "das", "des", "les", "los", "las", "del", "della", "van", "von", "de", "santa"}


def build_given_names(
    corpus: Path, census: Path | None = None, *, min_share: float = 0.002
) -> list[str]:
    """The lines of :data:`GIVEN_NAMES_FILE`, sorted: the first names of people in CoNLL-2003
    eng.train (:func:`headlines.build_first_names`, many non-English names; marked "*") and
    the US Census Bureau's 1990 "frequently occurring names" (public domain; ``census`` is the
    folder holding dist.male.first, dist.female.first and dist.all.last, as the ``names``
    package on PyPI ships them) held by at least ``min_share`` percent of people.

    Not taken as the start of a person's name: names more common as surnames ("Morgan",
    "Ford", "Davis"), places a name is more often about ("Paris", "Georgia", "Angeles",
    "Austin"), titles and particles ("Prince", "Van", "Les"). Census names of that kind are
    left out; CoNLL first names are kept for headlines, marked "-".

    Rebuild with ``python -m articles.extraction.person_names ../shared/corpus CENSUS_DIR``.
    """

    def shares(name: str) -> dict[str, float]:
        out: dict[str, float] = {}
        if census is None:
            return out
        for line in (census / name).read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) >= 2:
                out[parts[0].capitalize()] = float(parts[1])
        return out

    female, male, surnames = (
        shares("dist.female.first"),
        shares("dist.male.first"),
        shares("dist.all.last"),
    )
    share: Counter = Counter()
    for table in (female, male):
        for w, pct in table.items():
            share[w] += pct / 2  # percent of women, of men: about half of all people each
    wire = set(build_first_names(corpus))
    candidates = wire | {w for w, p in share.items() if p >= min_share}
    gaz = gazetteer()
    person = set()
    for w in sorted(candidates):
        low = w.lower()
        if low in TITLES or low in NAME_PARTICLES or low in _NOT_GIVEN:
            continue
        given = share.get(w, 0.0)
        if surnames.get(w, 0.0) >= (given or 0.01):
            continue  # "Morgan", "Ford"; a CoNLL-only name when it is a common surname
        place = gaz.lookup(w)
        if place is not None and (
            place.feature in ("country", "historic-country", "us-state", "continent")
            or (given < 0.1 and (place.feature != "city" or place.population >= 100_000))
        ):
            continue  # "Georgia", "Paris", "Austin"; not "George" or "Elizabeth"
        person.add(w)
    return [
        w + ("*" if w in wire else "") + ("" if w in person else "-") for w in sorted(person | wire)
    ]


if __name__ == "__main__":
    import sys

    lines = build_given_names(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None)
    GIVEN_NAMES_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} given names written to {GIVEN_NAMES_FILE}")
