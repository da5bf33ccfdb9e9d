"""Names that are one entity: mentions merged by name key into groups (:class:`NameUnion`).

Acronyms defined in the text ("Popular Mobilization Units (PMU) or Hashd al-Sha'abi") make one
entity of the long form, the acronym and the "or ..." name; short names resolve to full ones
("al-Anbari" -> "Qusay al-Anbari", "General White" -> "Robert P. White", "Kata'ib" ->
"Kata'ib Hezbollah") when the match is unique. Pure, no Django.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from ..names import name_key
from ..person_names import person_shaped, surname
from ..places import gazetteer
from ..wordlists import ACRONYM_STOP, TITLES
from .mentions import Mention

_ACRONYM = re.compile(r"\(\s*([A-Z][A-Za-z0-9&.\-]{1,11})\s*\)")
_WORD = re.compile(r"[\w'’\-.&]+")


def _acronym_links(text: str, mentions: list[Mention]) -> list[tuple[str, str, str]]:
    """(long key, long surface, short surface) for "Long Name (ACR)" and "(ACR) or Other Name"."""
    by_end = {m.end_char: m for m in mentions}
    by_start = {m.start_char: m for m in mentions}
    links: list[tuple[str, str, str]] = []
    for match in _ACRONYM.finditer(text):
        short = match.group(1).rstrip(".")
        letters = [c for c in short if c.isupper()]
        if len(letters) < 2:
            continue
        before = text[: match.start()].rstrip()
        long_text = None
        m = by_end.get(len(before))
        if m is not None and _initials_match(m.text.split(), letters):
            long_text = m.text
        else:
            words = _WORD.findall(before[-150:])
            for n in range(1, min(12, len(words)) + 1):
                cand = words[-n:]
                if cand[0][:1].isupper() and _initials_match(cand, letters, strict=True):
                    long_text = " ".join(cand)
                    break
        if not long_text:
            continue
        links.append((name_key(long_text), long_text, short))
        # "(PMU) or Hashd al-Sha'abi", "(PMU), also known as ..."
        after = text[match.end() : match.end() + 40]
        alt = re.match(r"\s*(?:,\s*)?(?:or|also known as|known as)\s+(?:the\s+)?", after)
        if alt:
            m2 = by_start.get(match.end() + alt.end())
            if m2 is not None:
                links.append((name_key(long_text), long_text, m2.text))
    return links


def _initials_match(words: list[str], letters: list[str], strict: bool = False) -> bool:
    """Does an acronym's letters spell the long form's initials? "Popular Mobilization Units"
    ~ PMU; "Organization of the Petroleum Exporting Countries" ~ OPEC; "Sara Thorsett" !~ US."""
    content = [w for w in words if w.lower() not in ACRONYM_STOP]
    caps = [w[0].upper() for w in content if w[:1].isupper()]
    if caps == letters:
        return True
    if strict or not content or content[0][:1].upper() != letters[0]:
        return False
    # looser: the letters appear in order among the initials of all words
    initials = [w[0].upper() for w in words if w]
    i = 0
    for ch in initials:
        if i < len(letters) and ch == letters[i]:
            i += 1
    return i == len(letters) and len(letters) >= len(caps) - 1 and len(letters) <= len(initials)


def _shorter_name_of(words: list[str], longer: list[str]) -> bool:
    """ "Ahmad Rahami" of "Ahmad Khan Rahami": the same first and last name. Only two words:
    "George W. Bush" is not short for "George H. W. Bush"."""
    return len(words) == 2 and words[0] == longer[0] and words[-1] == longer[-1]


class NameUnion:
    """Union-find over name keys: the keys of one entity share a root (:meth:`find`)."""

    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def _main_person(word: str, mentions: list[Mention], uf: NameUnion) -> set[str]:
    """{root} of the person-shaped name ending in ``word`` that a story names at least twice
    as often as any other person of that surname; empty when there is none."""
    counts: Counter = Counter()
    for m in mentions:
        words = m.text.split()
        if (
            m.kind == "person"
            and len(words) > 1
            and surname(m.key) == word
            and person_shaped(words)
        ):
            counts[uf.find(m.key)] += 1
    ranked = counts.most_common(2)
    if ranked and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
        return {ranked[0][0]}
    return set()


def _strip_title_key(key: str) -> str:
    words = key.split()
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    return " ".join(words)


def link_acronyms(doc, text: str, mentions: list[Mention], names: NameUnion) -> set[str]:
    """Acronyms and "or" names defined in the text ("Popular Mobilization Units (PMU) or Hashd
    al-Sha'abi") join their long form's group. A long form the tagger missed is added as a
    mention, and so is each use of an upper-case acronym it missed. Returns the long forms'
    keys."""
    acronym_keys: set[str] = set()
    counted_acronyms: set[str] = set()
    for long_key, long_text, short in _acronym_links(text, mentions):
        short_key = name_key(short)
        if not long_key or not short_key:
            continue
        known = {m.key for m in mentions}
        if long_key not in known and short_key not in known:
            continue
        if long_key not in known:
            # the long form was not tagged: add it as a mention of its own
            start = text.find(long_text)
            mentions.append(
                Mention(long_text, long_key, "organization", -1, -1, start, start + len(long_text))
            )
        names.union(long_key, short_key)
        acronym_keys.add(long_key)
        if short.isupper() and short_key not in counted_acronyms:
            counted_acronyms.add(short_key)
            _add_untagged_acronyms(doc, text, mentions, short, short_key)
    return acronym_keys


def _add_untagged_acronyms(
    doc, text: str, mentions: list[Mention], short: str, short_key: str
) -> None:
    """ "PMU's positions": acronyms the tagger missed still count as mentions."""
    tagged = {m.start_char for m in mentions if m.key == short_key}
    for occ in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text):
        if occ.start() not in tagged and not any(
            m.start_char <= occ.start() < m.end_char for m in mentions
        ):
            span = doc.char_span(occ.start(), occ.end(), alignment_mode="expand")
            if span is not None:
                mentions.append(
                    Mention(
                        short,
                        short_key,
                        "organization",
                        span.start,
                        span.end,
                        occ.start(),
                        occ.end(),
                    )
                )


def key_kinds(mentions: list[Mention]) -> dict[str, Counter]:
    """The votes of each name key's mentions: kind -> summed weight."""
    keys_by_kind: dict[str, Counter] = defaultdict(Counter)
    for m in mentions:
        keys_by_kind[m.key][m.kind] += m.weight
    return keys_by_kind


def resolve_short_names(
    mentions: list[Mention], keys_by_kind: dict[str, Counter], names: NameUnion
) -> None:
    """Short names join the one full name they are short for ("al-Anbari" -> "Qusay
    al-Anbari", "General White" -> "Robert P. White", "Kata'ib" -> "Kata'ib Hezbollah"); a
    short name resolved to a person makes a person of each of its mentions."""
    all_keys = sorted(keys_by_kind, key=lambda k: -len(k.split()))
    of_person: dict[str, str] = {}  # short key -> the person's full name it resolved to
    for key in all_keys:
        short = _strip_title_key(key)
        words = short.split()
        if len(words) > 3:
            continue
        kinds = keys_by_kind[key]
        candidates, person_roots = _full_names(key, short, all_keys, keys_by_kind, names)
        if len(candidates) > 1 and len(words) == 1 and kinds.most_common(1)[0][0] != "person":
            # "Trump" tagged ORG beside "Donald Trump" x4, "Eric Trump" x2, "Trump University":
            # the person the story names most, if twice as often as any other of that name
            candidates = _main_person(words[0], mentions, names) or candidates
        if len(candidates) == 1:
            target = candidates.pop()
            if names.find(key) != target:
                names.union(target, key)
            if target in person_roots:
                of_person[key] = target
    # "Trump" tagged ORG in a story about the person "Donald Trump" is that person: the full
    # name says what the short one is, whatever the tagger made of each short mention
    for m in mentions:
        if m.key in of_person and m.kind != "person":
            m.kind = "person"


def _full_names(
    key: str, short: str, all_keys: list[str], keys_by_kind: dict[str, Counter], names: NameUnion
) -> tuple[set[str], set[str]]:
    """Roots of the longer names ``key`` (``short`` without titles) may be short for, and
    which of those roots are people's."""
    words = short.split()
    kinds = keys_by_kind[key]
    candidates = set()
    person_roots = set()
    for other in all_keys:
        if other == key or len(other.split()) <= len(words):
            continue
        o_words = other.split()
        o_kind = keys_by_kind[other].most_common(1)[0][0]
        if o_kind == "person" and (
            o_words[-len(words) :] == words or _shorter_name_of(words, o_words)
        ):
            if kinds.get("place", 0) > kinds.get("person", 0) and gazetteer().lookup(short):
                continue
            candidates.add(names.find(other))
            person_roots.add(names.find(other))
        elif o_kind == "organization" and len(words) > 1 and o_words[-len(words) :] == words:
            candidates.add(names.find(other))  # "Aqsa Mosque" -> "Al-Aqsa Mosque"
        elif o_kind == "organization" and o_words[: len(words)] == words and len(words) == 1:
            if kinds.get("place") and gazetteer().lookup(short):
                continue  # "Iraq" is not short for "Iraq Petroleum"
            candidates.add(names.find(other))
    return candidates, person_roots


def add_short_organization_mentions(
    doc, text: str, mentions: list[Mention], keys_by_kind: dict[str, Counter], names: NameUnion
) -> None:
    """ "Kata’ib spokesman": a word tagged as a nationality/group that starts exactly one
    organization's name is a short mention of that organization."""
    org_first: dict[str, set[str]] = defaultdict(set)
    for key, kinds in keys_by_kind.items():
        if kinds.get("organization", 0) >= max(kinds.values()) and len(key.split()) > 1:
            org_first[key.split()[0]].add(names.find(key))
    for ent in doc.ents:
        if ent.label_ != "NORP" or len(ent) != 1:
            continue
        key = name_key(ent.text)
        roots = org_first.get(key)
        if roots and len(roots) == 1 and not gazetteer().lookup(ent.text):
            root = next(iter(roots))
            surface = text[ent.start_char : ent.end_char]
            mentions.append(
                Mention(
                    surface, key, "organization", ent.start, ent.end, ent.start_char, ent.end_char
                )
            )
            names.union(root, key)
