"""An organization's name written a little wrong, or filed under the wrong kind (pure).

- a name cut before its head word ("International Monetary" beside the International
  Monetary Fund): the one organization its words begin, when that one is named far more and
  the cut name ends in a word no other organization ends with (a modifier, not a name:
  "Federal Reserve" ends in a word names end with, and stays);
- one name filed as a person and as an organization ("al-Nusra" / "al Nusra", "Kamal
  Kharrazi"), spelt alike once hyphens and spaces are folded, whose words say neither kind
  (no given name first, no organization word): the far less named reading joins the other.
  A person-shaped name is rules._person_filed_as_another_kind's to decide.
"""

from __future__ import annotations

from collections import defaultdict

from ...extraction.outlets import is_outlet_name
from ...extraction.person_names import ORG_PLACE_WORDS, person_shaped
from ...extraction.variants import ORG_FORMS
from .evidence import Evidence, Name
from .junk import GENERIC_ORGANIZATION
from .org_short_names import full_name
from .proposals import SAME, Proposal

# Words an organization's name ends with: what it is (a fund, a bank, a front, an agency).
HEAD_WORDS = (
    ORG_FORMS
    | GENERIC_ORGANIZATION
    | frozenset(
        """fund bank banks union council party front movement army corps force forces guard
        guards service services court assembly parliament congress senate alliance league
        federation network center centre institute university college association society
        foundation exchange ministry nations organisation organization reserve""".split()
    )
)
FOLD = 2  # the whole name is named this many times as often as the cut one
MIN_ARTICLES = 2  # the more named reading of a name filed under two kinds


def organization_rules(names: list[Name], ev: Evidence) -> list[Proposal]:
    return _cut_before_its_head(names) + _one_name_two_kinds(names)


def _cut_before_its_head(names: list[Name]) -> list[Proposal]:
    orgs = [n for n in names if n.kind == "organization" and full_name(n.key)]
    by_head: dict[tuple[str, ...], list[Name]] = defaultdict(list)
    endings: dict[str, int] = defaultdict(int)  # last word -> organizations ending with it
    for org in orgs:
        words = tuple(org.words)
        if words[-1] in HEAD_WORDS:
            by_head[words[:-1]].append(org)
        endings[words[-1]] += 1
    out = []
    for org in orgs:
        words = tuple(org.words)
        wholes = by_head.get(words, [])
        if len(wholes) != 1 or words[-1] in HEAD_WORDS or endings[words[-1]] > 1:
            continue
        whole = wholes[0]
        if whole.articles >= FOLD * org.articles:
            out.append(
                Proposal(
                    SAME,
                    org,
                    whole,
                    score=0.9,
                    reason="a name cut before its last word",
                    evidence={"articles": org.articles, "whole": whole.articles},
                )
            )
    return out


def _one_name_two_kinds(names: list[Name]) -> list[Proposal]:
    by_key: dict[str, dict[str, Name]] = defaultdict(dict)
    for name in names:
        if name.kind in ("person", "organization") and full_name(name.key):
            by_key[name.key][name.kind] = name
    out = []
    for readings in by_key.values():
        person, org = readings.get("person"), readings.get("organization")
        if person is None or org is None or _says_its_kind(person) or _says_its_kind(org):
            continue
        less, more = sorted((person, org), key=lambda n: n.articles)
        if more.articles >= MIN_ARTICLES and more.articles >= FOLD * less.articles:
            as_more, as_less = (_filed_as(n) for n in (more, less))
            out.append(
                Proposal(
                    SAME,
                    less,
                    more,
                    score=0.9,
                    reason=f"one name filed as {as_more} and as {as_less}",
                    evidence={"articles": less.articles, "as_" + more.kind: more.articles},
                )
            )
    return out


def _filed_as(name: Name) -> str:
    return "a person" if name.kind == "person" else "an organization"


def _says_its_kind(name: Name) -> bool:
    """A given name first (a person's), or an organization's word, acronym, outlet or "&"."""
    tokens = name.name.split()
    if person_shaped(tokens) or is_outlet_name(name.name) or "&" in name.name:
        return True
    if any(t.isupper() and len(t.strip(".,")) >= 2 for t in tokens):
        return True
    return any(w in ORG_PLACE_WORDS or w in HEAD_WORDS or w.isdigit() for w in name.words)
