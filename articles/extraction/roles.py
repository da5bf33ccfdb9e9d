"""The role words an article writes beside a name: who someone is, as the archive says it.

"Secretary of State Mike Pompeo", "Iran's Foreign Minister Mohammad Javad Zarif", "Zarif,
Iran's top diplomat, said", "Chelsea manager José Mourinho". A role is a short phrase of
title words (a lexicon below) and proper nouns, right before the name or in an apposition
right after it; a country or nationality in it ("Iran's", "U.S.", "Iranian") is kept apart,
so "Iran's foreign minister" and "Iranian Foreign Minister" are one role in one country.
Pure: no Django; articles.ingest.profiles counts them across the archive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .places import demonym_country, gazetteer

HEADS = frozenset(
    """
    president minister secretary spokesman spokeswoman spokesperson senator governor
    ambassador envoy chairman chairwoman chair chief leader commander general director ceo
    executive manager coach striker midfielder defender goalkeeper captain player actor
    actress singer rapper star writer author novelist judge prosecutor attorney lawyer mayor
    king queen prince princess emperor premier chancellor speaker representative congressman
    congresswoman lawmaker mp legislator candidate nominee adviser advisor diplomat negotiator
    official head founder owner analyst professor economist journalist reporter editor
    columnist cleric pope bishop archbishop commissioner aide strategist counsel scientist
    researcher champion boxer golfer cyclist runner batsman bowler colonel lieutenant admiral
    officer activist campaigner designer producer filmmaker presenter host comedian musician
    guitarist drummer billionaire businessman businesswoman tycoon investor banker trader
    economist physician doctor surgeon deputy chancellor governor-general emir sheikh
    commentator lady boss manager-elect president-elect
    """.split()
)
ORG_HEADS = frozenset(
    """
    club team side party company firm group agency bank network newspaper broadcaster channel
    militia movement organization organisation body watchdog regulator union ministry
    department university school charity federation association league court council
    committee alliance coalition carrier airline insurer lender retailer automaker maker
    producer operator exporter developer startup giant conglomerate champion champions
    """.split()
)
MODIFIERS = frozenset(
    """
    former then late acting chief senior top prime foreign defense defence interior finance
    economy economic oil petroleum health education culture justice intelligence national
    security supreme assistant associate executive general special presidential republican
    democratic democrat conservative labour labor liberal opposition new incoming outgoing
    deputy vice state press first first-team international nuclear military army navy
    vice-president presidential parliament parliamentary majority minority house senate
    treasury trade energy agriculture commerce labour environment affairs sports chief-of-staff
    staff white
    """.split()
)
TIME_WORDS = frozenset({"former", "then", "late", "acting", "incoming", "outgoing"})
# Honorifics that start a name ("Ayatollah Ali Khamenei"), never a role's last word.
HONORIFICS = frozenset(
    """ayatollah grand hojatoleslam sheikh seyed seyyed sayyed imam haj hajj mr mrs ms dr sir
    mullah""".split()
)
SMALL = frozenset({"of", "the", "for"})
ARTICLES = frozenset({"the", "a", "an"})
NOT_PROPER = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december""".split()
)
MAX_WORDS = 7
_TOKEN = re.compile(r"[A-Za-z][A-Za-z.'’\-]*|[^\sA-Za-z]")
_POSSESSIVE = re.compile(r"['’]s$")


@dataclass(frozen=True)
class Role:
    key: str  # "foreign minister": lower case, no country, no "former"
    text: str  # as shown: role words in lower case, proper nouns as written
    country: str  # ISO code of a country named in it, or ""


def roles_beside(
    text: str, names: Iterable[str], *, person: bool = True, limit: int = 3
) -> list[Role]:
    """Roles written beside each name in ``text``, up to ``limit`` occurrences of each name;
    a short name inside a longer one ("Zarif" in "Mohammad Javad Zarif") is read as the
    longer one. A person's role may come before the name; an organization's only after it,
    in lower case ("Hezbollah, the Lebanese resistance movement"): "the head of the United
    Nations" says who the head is, and "the UN, the European Union" is a list."""
    out = []
    taken: list[tuple[int, int]] = []
    heads = HEADS if person else ORG_HEADS
    names = {_without_title(n) for n in names}
    for name in sorted((n for n in names if len(n) >= 3), key=len, reverse=True):
        start, read = 0, 0
        while (at := text.find(name, start)) >= 0:
            start = at + len(name)
            if (at and text[at - 1].isalnum()) or text[start : start + 1].isalnum():
                continue  # part of a longer word
            if any(a <= at < b for a, b in taken):
                continue
            taken.append((at, start))
            read += 1
            if read > limit:
                continue  # marked, so that a shorter name inside it is not read
            role = (_before(text[max(0, at - 90) : at]) if person else None) or _after(
                text[start : start + 90], heads, lower_head=not person
            )
            if role is not None:
                out.append(role)
    return out


def _without_title(name: str) -> str:
    """ "State Mike Pompeo" (the tail of "Secretary of State" tagged with the name) is read
    as "Mike Pompeo"."""
    words = name.split()
    while len(words) > 1 and words[0].lower() in HEADS | MODIFIERS | SMALL:
        words = words[1:]
    return " ".join(words)


def _before(text: str) -> Role | None:
    tokens = _TOKEN.findall(text.rsplit("\n", 1)[-1])  # not past a headline or paragraph
    # "the Iranian Foreign Minister, Mohammad Javad Zarif": a role set off by a comma
    comma = bool(tokens) and tokens[-1] == ","
    if comma:
        tokens = tokens[:-1]
    taken: list[str] = []
    for i in range(len(tokens) - 1, -1, -1):
        token = tokens[i]
        if len(taken) >= MAX_WORDS:
            break
        if not _allowed(token) and not (taken and _describes(token, taken[-1])):
            break
        if token.lower() in ARTICLES and (i == 0 or tokens[i - 1].lower() not in SMALL):
            break  # "the" starts the phrase, unless it is "Minister of the Interior"
        taken.append(token)
    before = tokens[len(tokens) - len(taken) - 1] if len(taken) < len(tokens) else ""
    if comma and before.lower() not in ARTICLES:
        return None  # "Trump, Pompeo": a list, not a role
    return _role(list(reversed(taken)))


# ", the U.S. secretary of state," up to a comma or a full stop ("U.S." is no full stop)
_APPOSITION = re.compile(
    r"^,\s+((?:[^,;:()\"“”.]|\.(?=\S)|(?<=\b[A-Z])\.){3,80}?)\s*(?:[,;:]|(?<!\b[A-Z])\.(?:\s|$))"
)


# Words that make a clause of what follows a comma, not a description of the name.
CLAUSE_WORDS = frozenset(
    """who whom whose which that said says say told tells is was are were be been has had have
    and but or also when where while as if because after before since to in on at by with
    from not no he she it they we i you his her its their this these those""".split()
)


VERBS = frozenset(
    """said says told asked met meets called named praised blamed warned urged visited joined
    replaced hired fired appointed elected attacked accused thanked welcomed criticized
    criticised backed slammed quoted""".split()
)


def _describes(token: str, head: str) -> bool:
    """A lower-case word right before a role word is part of it ("bass player", "oil
    minister"), unless it is a verb or a clause's word ("met coach X")."""
    word = token.lower()
    return (
        token.isalpha()
        and token.islower()
        and _head(_POSSESSIVE.sub("", head.lower()).rstrip("."))
        and word not in CLAUSE_WORDS
        and word not in VERBS
    )


def _after(text: str, heads: frozenset[str], *, lower_head: bool = False) -> Role | None:
    """ "Zarif, Iran's top diplomat," or "Hezbollah, the Lebanese resistance movement,": a
    phrase with a role word, any words before it but a clause's, starting with an article,
    a possessive, a nationality or a lower-case word (not another name: a list)."""
    match = _APPOSITION.match(text)
    if match is None:
        return None
    tokens = _TOKEN.findall(match.group(1))
    words = [_POSSESSIVE.sub("", t.lower()).rstrip(".") for t in tokens]
    found = [i for i, w in enumerate(words) if _head(w, heads)]
    if not found or len(tokens) > MAX_WORDS:
        return None
    first = tokens[0]
    if first[:1].isupper() and not (
        words[0] in ARTICLES | heads | MODIFIERS or _POSSESSIVE.search(first) or _country(first)
    ):
        return None
    if lower_head and not tokens[found[-1]].islower():
        return None
    tail = range(found[-1] + 1, len(words))  # "secretary of state", "minister of Oil"
    if any(words[i] not in SMALL | MODIFIERS and not tokens[i][:1].isupper() for i in tail):
        return None
    if any(w in CLAUSE_WORDS or not w[:1].isalpha() for w in words):
        return None
    return _role(tokens, heads)


def _head(word: str, heads: frozenset[str] = HEADS) -> bool:
    return word in heads or (word.endswith("s") and word[:-1] in heads)  # "champions"


_ABBREVIATION = re.compile(r"(?:[A-Z]\.)+|[A-Z][a-z]{0,3}\.")  # "U.S.", "Gen.", not "Tehran."


def _allowed(token: str) -> bool:
    if token.endswith(".") and not _ABBREVIATION.fullmatch(token):
        return False  # a sentence's end
    low = _POSSESSIVE.sub("", token.lower()).rstrip(".")
    if _head(low) or low in MODIFIERS or low in SMALL or low in ARTICLES:
        return True
    return token[:1].isupper() and low not in NOT_PROPER


def _role(tokens: list[str], heads: frozenset[str] = HEADS) -> Role | None:
    while tokens and tokens[0].lower() in SMALL | ARTICLES:
        tokens = tokens[1:]
    words = [_POSSESSIVE.sub("", t).rstrip(".").lower() for t in tokens]
    found = [i for i, w in enumerate(words) if _head(w, heads)]
    if not found:
        return None
    # after the last role word only "of ..." belongs to the role ("minister of Oil"), not
    # the start of the name ("Foreign Minister Mohammad Javad", "Leader ... Ayatollah")
    end = found[-1] + 1
    if end < len(words) and words[end] in SMALL:
        while end < len(words) and words[end] not in HONORIFICS:
            end += 1
    tokens, words = tokens[:end], words[:end]
    while tokens and words[-1] in SMALL:
        tokens, words = tokens[:-1], words[:-1]
    country, shown, key = "", [], []
    for token, word in zip(tokens, words, strict=True):
        code = "" if _head(word, heads) or word in MODIFIERS else _country(token)
        if code:
            country = country or code
            continue
        role_word = _head(word, heads) or word in MODIFIERS or word in SMALL
        shown.append(word if role_word else token)
        if word not in TIME_WORDS:
            key.append(word)
    while shown and shown[0].lower() in TIME_WORDS | SMALL:
        shown = shown[1:]
    if not key or not any(_head(w, heads) for w in key):
        return None
    return Role(" ".join(key), " ".join(shown), country)


def _country(token: str) -> str:
    word = _POSSESSIVE.sub("", token)
    code = demonym_country(word)
    if code:
        return code
    place = gazetteer().lookup(word)
    return place.country if place is not None and place.feature == "country" else ""
