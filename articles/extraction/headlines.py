"""Title-Case headlines, read the way the tagger was taught: in sentence case.

"Pfizer Seeks Approval For Omicron-Targeted COVID Boosters" capitalises every word, and a
tagger trained on sentence-case text reads the capitals as names: organizations "Pfizer Seeks
Approval" and "Omicron-Targeted COVID Boosters". :func:`sentence_case` lowercases the ordinary
words of such a headline ("Pfizer seeks approval for Omicron-targeted COVID boosters") for
entity recognition only; the text keeps its length, so every name found maps back to the
headline as written. A word keeps its capital when the story's text capitalises it mid-sentence,
when it is not an ordinary lower-case word (names, "COVID", "TikTok"), or when it starts the
headline or a clause.

Ordinary words are :data:`COMMON_WORDS_FILE` (one per line, built by
``scripts/build_word_lists.py``) plus spaCy's English stop words. Names made of ordinary words
keep their capitals after a first name (the first names of people in wire copy, from
CoNLL-2003 eng.train, in :data:`wordlists.GIVEN_NAMES_FILE`: "Chris Rock") or when the
gazetteer knows the pair ("New York", "Gaza Strip"). No Django here.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .names import name_key
from .places import gazetteer
from .wordlists import given_names

COMMON_WORDS_FILE = Path(__file__).with_name("common_words.txt")

WORD = re.compile(r"[A-Za-z]+")
_LONGWORD = re.compile(r"[A-Za-z][A-Za-z'’-]{3,}")
# a capital after a lower-case word or a comma: not a sentence start
_MID_SENTENCE_CAPITAL = re.compile(r"(?<=[a-z0-9,;] )[A-Z][a-z]+")
CLAUSE_START = set(":!?(—–|")  # not ".": "U.S. Forces", "Justice Dept. Subpoena"
_QUOTES = set("\"“”‘’'")


@lru_cache(maxsize=1)
def _word_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(ordinary words, words that look like inflections of one but are mostly capitalised:
    "airlines", "angeles"; written "^airlines" in the file)."""
    # importing spaCy takes over a second: only when a headline is first read
    from spacy.lang.en.stop_words import STOP_WORDS

    try:
        lines = COMMON_WORDS_FILE.read_text(encoding="utf-8").split()
    except OSError:  # without the list, headlines are read as written
        lines = []
    names = frozenset(w[1:] for w in lines if w.startswith("^"))
    words = frozenset(w for w in lines if not w.startswith("^"))
    return words | frozenset(STOP_WORDS), names


def common_words() -> frozenset[str]:
    return _word_lists()[0]


def is_title_case(title: str) -> bool:
    """ "Biden Says U.S. Forces Would Defend Taiwan": most words of four letters or more
    capitalised (and not the whole line, as wire headlines are)."""
    letters = [c for c in title if c.isalpha()]
    if not letters or all(c.isupper() for c in letters):
        return False
    words = _LONGWORD.findall(title)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def sentence_case(title: str, body: str = "") -> str:
    """A Title-Case headline with its ordinary words lowercased; other titles unchanged."""
    if not is_title_case(title):
        return title
    common, capitalised = _word_lists()
    named = set(_MID_SENTENCE_CAPITAL.findall(body))
    words = list(WORD.finditer(title))
    keep = []
    for match in words:
        word = match.group(0)
        keep.append(
            word == "I"
            or not (word[0].isupper() and (word[1:].islower() or word == "A"))  # "COVID", "U.S."
            or word in named  # a capital the story itself uses
            or _starts_clause(title, match.start())
            or not _ordinary(word.lower(), common, capitalised)
        )
    # names made of ordinary words: "Chris Rock" (after a first name), "New York", "Gaza Strip"
    given = given_names(wire_copy=True)
    for i, match in enumerate(words):
        if keep[i]:
            continue
        prev = words[i - 1] if i else None
        nxt = words[i + 1] if i + 1 < len(words) else None
        if prev is not None and _joined(title, prev, match):
            # a first name that starts the name: "Chris Rock", not "Virginia Thomas Agrees"
            starts_name = i == 1 or not keep[i - 2] or not _joined(title, words[i - 2], prev)
            if (prev.group(0) in given and starts_name) or (
                keep[i - 1] and _place(prev.group(0), match.group(0))
            ):
                keep[i] = True
                continue
        if nxt is not None and keep[i + 1] and _joined(title, match, nxt):
            keep[i] = _place(match.group(0), nxt.group(0))
    out = list(title)
    for match, kept in zip(words, keep, strict=True):
        if not kept:
            out[match.start()] = out[match.start()].lower()
    return "".join(out)


def _joined(title: str, first: re.Match, second: re.Match) -> bool:
    return title[first.end() : second.start()] == " "


def _place(first: str, second: str) -> bool:
    """Is "first second" exactly the name of a place ("New York", "Gaza Strip")?"""
    return name_key(f"{first} {second}") in gazetteer().index


def _starts_clause(title: str, at: int) -> bool:
    """The first word of the headline, of a clause ("...: Police"), or of a quotation."""
    before = title[:at].rstrip()
    if not before or before[-1] in CLAUSE_START:
        return True
    if before[-1] in _QUOTES:  # an opening quote follows a space; a closing one a word
        return len(before) == 1 or before[-2] in " (" or before[-2] in CLAUSE_START
    return False


def _ordinary(word: str, common: frozenset[str], capitalised: frozenset[str] = frozenset()) -> bool:
    """An ordinary word, or an inflection of one ("punching", "braces", "snails")."""
    if word in common:
        return True
    return word not in capitalised and inflection_of(word, common)


def inflection_of(word: str, common: frozenset[str]) -> bool:
    for suffix, stems in (
        ("ing", ("", "e")),
        ("ed", ("", "e")),
        ("s", ("",)),
    ):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            if any(stem + e in common for e in stems):
                return True
            if suffix in ("ing", "ed") and stem[-1] == stem[-2] and stem[:-1] in common:
                return True  # "stopped", "running"
    return False
