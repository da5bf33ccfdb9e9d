"""Variants of one name: the keys under which spellings of one real-world entity meet.

``name_key`` (articles.extraction.names) already folds case, accents and apostrophes. The
``match_key`` here goes further, by kind, for reconciling names across an archive:

- people: honorifics and titles dropped (Seyed, Seyyed, Ayatollah, Sheikh, Dr, President),
  transliterations folded (Araghchi / Araqchi, Qalibaf / Ghalibaf, Sergei / Sergey,
  Mohammad / Muhammad);
- organizations: "U.S." / "US" / "United States" prefixes, legal forms (Inc, Corp, Co, Ltd,
  BSC; not "Holdings" or "Group", another company of a group),
  British / American spelling (Organisation, Defence, Centre), "&" / "and", small words and
  word order ("Department of Agriculture" / "Agriculture Department");
- places: a leading "the" and stray punctuation.

Two names with one match key are the same entity unless an editor said otherwise. Acronyms
("IRGC" for "Islamic Revolution Guards Corps") are recognised by ``initials``. Pure: no
Django, no archive; the archive's evidence is weighed in articles.ingest.reconcile.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .names import name_key

# Honorifics and titles before a person's name. Not "lady", "prince" or "king": they are part
# of how many people are named ("Prince Harry"), and a bare given name is no key.
PERSON_PREFIXES = frozenset(
    """
    seyed seyyed sayed sayyed sayyid syed seyyid grand ayatollah ayatullah hojatoleslam
    hojjatoleslam hojatolislam hujjat al islam hujjatulislam sheikh shaikh shaykh sheik haj hajj
    haji hajji mullah imam dr doctor mr mrs ms miss prof professor sir president vice prime
    minister foreign secretary senator sen rep representative gov governor gen general lt col
    colonel maj major capt captain adm admiral brig brigadier commander cmdr sgt sergeant
    chancellor premier speaker judge justice rev reverend father pastor rabbi
    """.split()
)
# Two-word titles whose second word alone names people ("Prince Harry"): "Crown Prince
# Mohammed bin Salman" is "Mohammed bin Salman".
TITLE_PAIRS = frozenset({("crown", "prince"), ("crown", "princess")})
# Words that end a person's name without making another person ("Jr." does make one).
PERSON_SUFFIXES = frozenset({"phd", "md", "esq"})

# Legal forms and filler of organization names, left out of their match key.
ORG_FORMS = frozenset(
    """
    inc incorporated corp corporation co company cos ltd limited llc plc sa ag nv bv gmbh spa
    lp llp group holdings holding
    """.split()
)
# Words naming one company of a group ("Rothmans Holdings" beside "Rothmans Inc"): not a
# legal form to leave out of the match key, a different company.
GROUP_WORDS = frozenset({"group", "holdings", "holding"})
# Legal forms written as letters, left out only at the end of a longer name ("Gulf
# International Bank BSC", "Volvo AB"); alone they may be acronyms, so not in ORG_FORMS.
# cleanco 2.3 has no Gulf forms (BSC, KSC, QSC, SAOG) and rigour 2.6.1's remove_org_types
# leaves "BSC", "Corp" and "Co" and cuts "B.S.C." to "b.": a table of our own.
LETTER_FORMS = frozenset(
    "bsc ksc kscp qsc qpsc pjsc saog saoc sae sal ab asa oyj kgaa sarl bhd pty pte".split()
)
LEGAL_FORMS = (ORG_FORMS - GROUP_WORDS) | LETTER_FORMS
ORG_SMALL_WORDS = frozenset({"of", "the", "for", "and", "de", "du", "des", "la", "le", "al"})
US_PREFIXES = (("u", "s"), ("us",), ("united", "states"), ("usa",))

# British spellings in organization names, American in the key (one direction is enough).
SPELLING = {
    "organisation": "organization",
    "organisations": "organizations",
    "defence": "defense",
    "centre": "center",
    "centres": "centers",
    "programme": "program",
    "programmes": "programs",
    "labour": "labor",
    "harbour": "harbor",
    "theatre": "theater",
    "honour": "honor",
    "colour": "color",
    "favour": "favor",
}

# Given names written several ways in English news (Arabic, Persian, Russian, Chinese...).
GIVEN_NAME_VARIANTS = {
    "muhammad": "mohammad",
    "mohammed": "mohammad",
    "muhammed": "mohammad",
    "mohamed": "mohammad",
    "mohamad": "mohammad",
    "mohammad": "mohammad",
    "hussein": "hossein",
    "husain": "hossein",
    "husein": "hossein",
    "hosein": "hossein",
    "hasan": "hassan",
    "sergey": "sergei",
    "sergej": "sergei",
    "yury": "yuri",
    "yuriy": "yuri",
    "dmitry": "dmitri",
    "dmitriy": "dmitri",
    "alexey": "alexei",
    "aleksei": "alexei",
    "aleksey": "alexei",
    "nikolay": "nikolai",
    "mikhail": "mikhail",
    "jawad": "javad",
    "abdolreza": "abdulreza",
    "abdollah": "abdullah",
    "abdullah": "abdullah",
    "mahmood": "mahmoud",
    "mahmud": "mahmoud",
    "mahmoud": "mahmoud",
    "osama": "usama",
    "usama": "usama",
    "moammar": "muammar",
    "muammar": "muammar",
    "qassem": "qasem",
    "ghasem": "qasem",
    "qasim": "qasem",
    "kassem": "qasem",
    "gholamreza": "qolamreza",
    "yahya": "yahya",
    "yehia": "yahya",
    "omar": "umar",
    "umar": "umar",
}

# English given names and their usual short forms ("Michael Pompeo", "Mike Pompeo"): the full
# form first. Only a full form and one of its short forms are one name: "Willie Nelson" is not
# "Bill Nelson". Who is one person is decided with evidence (reconcile.fragments).
HYPOCORISMS = (
    ("michael", "mike"),
    ("william", "bill", "billy"),
    ("robert", "bob", "bobby", "rob"),
    ("james", "jim", "jimmy"),
    ("joseph", "joe"),
    ("thomas", "tom"),
    ("richard", "dick", "rick"),
    ("edward", "ted", "ed"),
    ("christopher", "chris"),
    ("david", "dave"),
    ("stephen", "steve"),
    ("anthony", "tony"),
    ("andrew", "andy"),
    ("nicholas", "nick"),
    ("benjamin", "ben"),
    ("samuel", "sam"),
    ("daniel", "dan"),
    ("matthew", "matt"),
    ("patrick", "pat"),
    ("ronald", "ron"),
    ("donald", "don"),
    ("jeffrey", "jeff"),
    ("gregory", "greg"),
    ("alexander", "alex"),
    ("elizabeth", "liz"),
    ("katherine", "kate"),
    ("jennifer", "jenny"),
    ("charles", "chuck"),
    ("lawrence", "larry"),
    ("kenneth", "ken"),
    ("timothy", "tim"),
    ("peter", "pete"),
)
_FULL_FORM = {short: group[0] for group in HYPOCORISMS for short in group[1:]}


def full_given_name(word: str) -> str:
    """The full form of a short given name ("mike" -> "michael"), or ""."""
    return _FULL_FORM.get(word, "")


_DOUBLE = re.compile(r"(.)\1+")


@lru_cache(maxsize=100_000)
def skeleton(word: str) -> str:
    """A word with the letters transliterations disagree on folded: "araghchi" and
    "araqchi" -> "araqchi"; "qalibaf" and "ghalibaf"; "sergey" and "sergei"."""
    w = GIVEN_NAME_VARIANTS.get(word, word)
    w = w.replace("gh", "q").replace("kh", "k").replace("ph", "f").replace("dh", "z")
    w = w.replace("ou", "u").replace("ee", "i").replace("oo", "u")
    w = re.sub(r"y(?=[^aeiou]|$)", "i", w)  # "sergey", "dmitriy"; not "yahya"'s first y
    w = _DOUBLE.sub(r"\1", w)
    return w


def _strip_us(words: list[str]) -> list[str]:
    for prefix in US_PREFIXES:
        if len(words) > len(prefix) and tuple(words[: len(prefix)]) == prefix:
            return words[len(prefix) :]
    return words


def person_words(name: str) -> list[str]:
    """A person's name without honorifics or degree suffixes (folded words). Middle initials
    stay: "George W. Bush" and "George H. W. Bush" are two people."""
    words = name_key(name).split()
    while len(words) > 1 and (words[0] in PERSON_PREFIXES or tuple(words[:2]) in TITLE_PAIRS):
        words = words[2:] if tuple(words[:2]) in TITLE_PAIRS else words[1:]
    while len(words) > 1 and words[-1] in PERSON_SUFFIXES:
        words = words[:-1]
    return words


def person_key(name: str) -> str:
    return " ".join(skeleton(w) for w in person_words(name))


_POSSESSIVE = re.compile(r"['\u2019]s\b")
# An acronym in brackets after the name, closed or cut off: "Organization of Islamic
# Cooperation (OIC)", "... (OIC".
_TRAILING_ACRONYM = re.compile(r"\s*\(\s*[A-Z][A-Za-z.&]{1,10}\s*\)?\s*$")
_CLOSED = re.compile(r"\s*\(c\)\s*$", re.I)  # "BSC(c)": a closed company, no word of its name


def _singular(word: str) -> str:
    """ "guards" -> "guard", "nations" -> "nation"; short words and "-ss" stay."""
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _org_name_words(name: str) -> list[str]:
    name = _CLOSED.sub("", name) or name
    name = _TRAILING_ACRONYM.sub("", name) or name
    key = name_key(_POSSESSIVE.sub("", name.replace("&", " and ")))
    return _strip_us([SPELLING.get(w, w) for w in key.split()])


def org_words(name: str) -> list[str]:
    """An organization's name words for matching: no US prefix, legal form, possessive or
    small words, British spellings made American."""
    words = _org_name_words(name)
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words = words[:-1]
    kept = [w for w in words if w not in ORG_SMALL_WORDS]
    return kept or words


def org_key(name: str) -> str:
    """Sorted, singular name words; a one-word name keeps its plural ("BONDS" in a headline
    is not the name "Bond")."""
    words = org_words(name)
    if len(words) == 1:
        return words[0]
    return " ".join(sorted(_singular(w) for w in words))


def place_key(name: str) -> str:
    return name_key(name)


def match_key(kind: str, name: str) -> str:
    """The key under which variants of one entity's name meet (see the module docstring)."""
    letters = name_key(name).split()
    if len(letters) > 1 and all(len(w) == 1 for w in letters):  # "U.N.", "U.S.": "un", "us"
        return "".join(letters)
    if kind == "person":
        return person_key(name)
    if kind == "organization":
        return org_key(name)
    return place_key(name)


def initials(name: str) -> str:
    """Initials of a multi-word name, small words skipped: "Islamic Revolution Guards Corps"
    -> "irgc"; "United Nations" -> "un"; "Organization of the Petroleum Exporting Countries"
    -> "opec" (its small words dropped). "" for one word."""
    words = [w for w in name_key(name.replace("&", " and ")).split()]
    words = [w for w in words if w not in ORG_SMALL_WORDS] or words
    if len(words) < 2:
        return ""
    return "".join(w[0] for w in words)


def acronym_key(name: str) -> str:
    """The folded form of something written as an acronym ("U.N.", "UN", "Nato" -> "un",
    "un", "nato"), or "" when the name is not one word of letters."""
    key = name_key(name).replace(" ", "")
    return key if key.isalpha() and 2 <= len(key) <= 10 else ""


def spells(short: str, long: str) -> bool:
    """Is ``short`` an acronym of ``long`` as Schwartz & Hearst (2003) read a definition:
    its letters in order, the first of every word of ``long`` among them (small words may
    give theirs or not) and the others from inside the word they follow? "ASEAN",
    "Association of Southeast Asian Nations"; "IRGC", "Islamic Revolution Guards Corps";
    not "CBC", "Black Caucus"."""
    letters = acronym_key(short)
    words = name_key(long.replace("&", " and ")).split()
    return bool(letters) and len(words) >= 2 and _spelled(letters, words)


def _spelled(letters: str, words: list[str]) -> bool:
    if not words:
        return not letters
    word, rest = words[0], words[1:]
    if word in ORG_SMALL_WORDS and _spelled(letters, rest):
        return True
    if not letters or letters[0] != word[0]:
        return False
    inside, at = word[1:], 0
    for taken in range(1, len(letters) + 1):
        if taken > 1:  # letters[taken - 1] from inside the word, after the one before it
            at = inside.find(letters[taken - 1], at) + 1
            if at == 0:
                return False
        if _spelled(letters[taken:], rest):
            return True
    return False


def is_acronym_of(short: str, long: str) -> bool:
    """Is ``short`` written as the initials of ``long``? ("IRGC", "Islamic Revolution
    Guards Corps"; "U.N.", "United Nations"; "USDA", "United States Department of
    Agriculture")."""
    letters = acronym_key(short)
    if not letters or len(name_key(long).split()) < 2:
        return False
    if letters == initials(long):
        return True
    all_words = "".join(w[0] for w in name_key(long.replace("&", " and ")).split())
    return letters == all_words
