"""Word lists entity recognition reads: titles, roles, the words around names that say what
kind of name they are, the lower-case parts of names, and given names.

Data shared by :mod:`entities` (span cleaning and the document passes), :mod:`person_names`
and :mod:`headlines`, so that none of them imports another for its words. Words are lower
case, compared with a token's lower-case form (``token.lower_``), trailing "." dropped where a
title may carry one. Given names are one list, :data:`GIVEN_NAMES_FILE`, read by
:func:`given_names`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

# One given name a line, sorted, each once (built by scripts/build_word_lists.py). A "*"
# after a name marks the first names of people in wire copy (CoNLL-2003 eng.train) that are
# no ordinary words: headlines keep "Chris Rock" capitalised after one. A "-" after it marks
# a name more often a surname, a place, a title or a particle ("Martin*-", "Angeles*-"): a
# name starting with one is not taken for a person's by its shape.
GIVEN_NAMES_FILE = Path(__file__).with_name("given_names.txt")


@lru_cache(maxsize=2)
def given_names(*, wire_copy: bool = False) -> frozenset[str]:
    """Given names from :data:`GIVEN_NAMES_FILE`: those a person's name may start with
    (:func:`person_names.person_shaped`), or with ``wire_copy`` the first names of people in
    wire copy (:func:`headlines.sentence_case`)."""
    try:
        lines = GIVEN_NAMES_FILE.read_text(encoding="utf-8").split()
    except OSError:  # without the list no name is person-shaped and headlines keep fewer capitals
        return frozenset()
    if wire_copy:
        return frozenset(line.rstrip("*-") for line in lines if "*" in line)
    return frozenset(line.rstrip("*-") for line in lines if not line.endswith("-"))


# Words that introduce a name without being part of it.
TITLES = {
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "sen",
    "senator",
    "rep",
    "representative",
    "gov",
    "governor",
    "president",
    "vice",
    "prime",
    "minister",
    "premier",
    "chancellor",
    "secretary",
    "general",
    "gen",
    "lt",
    "lieutenant",
    "col",
    "colonel",
    "maj",
    "major",
    "capt",
    "captain",
    "cmdr",
    "commander",
    "adm",
    "admiral",
    "sgt",
    "sergeant",
    "brig",
    "brigadier",
    "field",
    "marshal",
    "gen.",
    "king",
    "queen",
    "prince",
    "princess",
    "sheikh",
    "ayatollah",
    "imam",
    "pope",
    "rev",
    "reverend",
    "father",
    "judge",
    "justice",
    "chief",
    "deputy",
    "ambassador",
    "mayor",
    "coach",
    "spokesman",
    "spokeswoman",
    "army",
    "foreign",
    "defense",
    "defence",
    "interior",
    "us",
    "u.s.",
    "former",
    "late",
    "top",
    "senior",
    "new",
    "head",
    "leader",
    "chairman",
    "director",
}

# Roles that head a person's name at the start of a sentence or headline ("Suspect Ahmad Khan
# Rahami", "Billionaire Elon Musk"): capitalised there, but not part of the name.
ROLE_NOUNS = {
    "suspect",
    "suspected",
    "alleged",
    "accused",
    "gunman",
    "shooter",
    "attacker",
    "bomber",
    "victim",
    "defendant",
    "witness",
    "officer",
    "detective",
    "sheriff",
    "trooper",
    "lawyer",
    "attorney",
    "prosecutor",
    "actor",
    "actress",
    "singer",
    "rapper",
    "billionaire",
    "activist",
    "journalist",
    "reporter",
    "photographer",
    "novelist",
    "author",
    "comedian",
    "candidate",
    "nominee",
    "lawmaker",
    "congressman",
    "congresswoman",
    "pastor",
    "rabbi",
    "cardinal",
    "archbishop",
    "cosmonaut",
    "astronaut",
    "filmmaker",
    "dictator",
}

# Titles only people bear: a name after one is a person's whatever the tagger said ("President
# Trump", "Sen. Warren"); "General Motors" and "Prince Edward Island" are why TITLES won't do.
PERSONAL_TITLES = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "sen",
    "senator",
    "rep",
    "congressman",
    "congresswoman",
    "gov",
    "governor",
    "president",
    "mayor",
    "judge",
    "sheriff",
}

# Articles dropped from the start of a name ("the Pentagon" -> "Pentagon").
LEADING_DROP = {"the", "a", "an"}

# A name before one of these is a weapon ("Patriot missiles", "Hellfire missiles"), no entity.
WEAPON_NOUNS = {
    "missile",
    "missiles",
    "rocket",
    "rockets",
    "system",
    "systems",
    "battery",
    "batteries",
    "tank",
    "tanks",
    "jet",
    "jets",
    "fighter",
    "fighters",
    "drone",
    "drones",
    "launcher",
    "launchers",
    "rifle",
    "rifles",
    "helicopter",
    "helicopters",
    "bomber",
    "bombers",
    "warship",
    "warships",
    "submarine",
    "submarines",
    "interceptor",
    "interceptors",
    "aircraft",
    "carrier",
}

# "the coronavirus pandemic", "a COVID-19 outbreak", "the Delta variant": a name used before
# one of these is a disease in that story, not an organization (kept out like "Patriot
# missiles"). Not "vaccine": "the Pfizer vaccine" names a company.
DISEASE_NOUNS = {
    "pandemic",
    "epidemic",
    "outbreak",
    "outbreaks",
    "infection",
    "infections",
    "symptoms",
    "variant",
    "variants",
    "lockdown",
    "lockdowns",
}

# Endings of nationality words ("American", "Iraqi", "Chinese"), which are no entities.
DEMONYM_ENDINGS = ("an", "ian", "ese", "ish", "i", "ic", "ean", "ch")

# Words an acronym skips: "Organization of the Petroleum Exporting Countries" is OPEC.
ACRONYM_STOP = {
    "of",
    "the",
    "and",
    "for",
    "al",
    "el",
    "de",
    "du",
    "des",
    "la",
    "le",
    "in",
    "on",
    "&",
    "to",
    "at",
}

# The word after (or "the X of" before) a place the gazetteer does not know says what
# kind of place it is: "Ain al-Asad base", "the town of Jurf al-Nasr".
FEATURE_WORDS = {
    "base": "base",
    "airbase": "base",
    "airport": "airport",
    "province": "region",
    "governorate": "region",
    "region": "region",
    "state": "region",
    "district": "region",
    "county": "region",
    "town": "city",
    "city": "city",
    "village": "city",
    "capital": "city",
    "port": "city",
    "camp": "camp",
    "river": "river",
    "mountains": "mountain",
    "mountain": "mountain",
    "island": "island",
    "islands": "island",
}

# Capitalised words the tagger takes for names that never are (credits, platforms).
NOT_NAMES = {
    "photo",
    "photos",
    "file photo",
    "video",
    "getty images",
    "image",
    "images",
    "twitter",
    "facebook",
}

# The word after a name that makes it a place ("Taji base", "Anbar province").
PLACE_NEXT = {
    "base",
    "bases",
    "airbase",
    "airbases",
    "airport",
    "province",
    "governorate",
    "region",
    "district",
    "town",
    "city",
    "village",
    "port",
    "border",
    "crossing",
    "neighbourhood",
    "neighborhood",
    "suburb",
}

# The word before a name the tagger called a person that makes it a place, when the
# gazetteer knows the name ("in Paris").
PLACE_PREV = {"in", "near", "outside", "across", "into", "around", "towards", "toward"}

# "the town of X", "the province of X": the word before "of" that makes X a place.
PLACE_PREV2 = {
    "town",
    "city",
    "village",
    "province",
    "region",
    "district",
    "governorate",
    "capital",
    "port",
}

# The word after a name that makes it an organization ("Hezbollah spokesman").
ORG_NEXT = {
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "fighters",
    "militants",
    "militia",
    "militiamen",
}

# Last words of facility names, which are places ("Kabul Airport", "Ain al-Asad Airbase").
FACILITY_HEADS = {"airbase", "airport", "airfield"}

# Words before an unknown one-word name that say it stands where places stand ("in X").
CUE_BEFORE_PLACE = {
    "in",
    "at",
    "near",
    "from",
    "to",
    "into",
    "across",
    "outside",
    "around",
    "toward",
    "towards",
    "via",
    "between",
    "through",
    "inside",
    "throughout",
    "of",
    "and",
    "or",
    "within",
    "on",
    "off",
}

# Lower-case words inside people's names ("Qusay al-Anbari", "Ludwig van Beethoven").
NAME_PARTICLES = {
    "al",
    "el",
    "bin",
    "ibn",
    "abu",
    "de",
    "da",
    "di",
    "du",
    "van",
    "von",
    "der",
    "den",
    "la",
    "le",
}

# Prefixes glued to a name by a hyphen: "Ex-Trump aide", "anti-Trump" name Trump.
NAME_PREFIXES = {"ex", "former", "then", "anti", "pro"}
