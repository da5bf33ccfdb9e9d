"""Folding names so that spelling variants of one entity meet.

"Kata'ib Hezbollah", "Kata’ib Hezbollah" and "KATAIB HEZBOLLAH" share one key;
"Hashd al-Sha’abi" and "Hashd al-Shaabi" too. Search folds queries the same way.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

# Apostrophes and the letters transliterations use for ayn/hamza: dropped, not spaced.
_APOSTROPHES = re.compile(r"[\u0027\u2018\u2019\u201b\u02bc\u02bb\u02be\u02bf\u0060\u00b4]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def fold_text(text: str) -> str:
    """Lower-case ASCII with apostrophes removed; other punctuation kept."""
    text = unicodedata.normalize("NFKC", text)
    text = _APOSTROPHES.sub("", text)
    # anyascii spells each character on its own: only the runs outside ASCII need it (an
    # article's lead with one curly quote is otherwise walked character by character).
    return _NON_ASCII.sub(lambda run: anyascii(run.group()), text).lower()


@lru_cache(maxsize=2**18)
def name_key(name: str) -> str:
    """The key an entity is stored and matched under: folded words joined by single spaces.

    Cached: resolve_entities folds each of the archive's 100,000 names many times a pass."""
    folded = fold_text(name)
    folded = re.sub(r"^the\s+", "", folded)
    return _NON_WORD.sub(" ", folded).strip()


def name_slug(name: str) -> str:
    """URL slug for an entity or outlet name: "Kata'ib Hezbollah" -> "kataib-hezbollah"."""
    return name_key(name).replace(" ", "-")[:200] or "unnamed"


def is_short_form(surface: str, name: str) -> bool:
    """Is ``surface`` a shortened ``name``: fewer words, every one of them in it?

    "White" and "al-Anbari" are short forms of "Robert P. White" and "Qusay al-Anbari"; "PMU"
    is not one of "Popular Mobilization Units" (an acronym), nor "US" of "United States".
    A document resolves its short forms to the full name; another document's "Mr White" is
    someone else, so short forms are never kept as an entity's aliases in the archive.
    """
    short, full = name_key(surface).split(), name_key(name).split()
    return 0 < len(short) < len(full) and set(short) <= set(full)
