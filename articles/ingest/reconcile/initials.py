"""A name without the middle initials that tell namesakes apart: "George Bush" where the
archive names George W Bush and George H. W. Bush (pure: no database).

Each article's "George Bush" goes to the one of them its own article names in full, else to
the one its outlet and period name FOLD times as often as the other (a Tehran Times story
on "U.S. President George Bush" and the "axis of evil", among stories naming George W Bush);
where neither says, it stays "George Bush", described by whom it may mean. One namesake
alone is a plain merge (rules._dropped_initials).
"""

from __future__ import annotations

from collections import defaultdict

from .name_evidence import FOLD, MIN_NAMED, Choice, NameEvidence, Period, name_words


def initialled_namesakes(keys: dict[int, str]) -> dict[int, set[int]]:
    """Person id of a two-word name -> the people named with its words and middle initials,
    when there are two or more ("george bush": George W Bush, George H. W. Bush)."""
    plain: dict[tuple[str, str], int] = {}
    initialled: dict[tuple[str, str], set[tuple]] = defaultdict(set)
    ids: dict[tuple[str, str], set[int]] = defaultdict(set)
    for pk, key in keys.items():
        words = name_words(key)
        if len(words) == 2:
            plain[words] = pk
        elif len(words) > 2 and all(len(w) == 1 for w in words[1:-1]):
            ends = (words[0], words[-1])
            initialled[ends].add(words[1:-1])
            ids[ends].add(pk)
    return {pk: ids[ends] for ends, pk in plain.items() if len(initialled[ends]) >= 2}


def choose_namesake(
    ev: NameEvidence,
    namesakes: set[int],
    article_id: int,
    period: Period,
    also: tuple[Period, ...] = (),
) -> Choice:
    """Which of ``namesakes`` a plain name means in this article, with the evidence."""
    here = namesakes & ev.in_article.get(article_id, set())
    if len(here) == 1:
        return Choice(next(iter(here)), {"context": "article"})
    if here:
        return Choice(None, {"context": "article", "between": sorted(here)})
    for periods in ((period,), also):
        if not periods:
            continue
        ranked = sorted(
            ((sum(ev.named[p].around(x) for x in periods), p) for p in namesakes),
            key=lambda x: (-x[0], x[1]),
        )
        (named, best), runner_up = ranked[0], ranked[1][0]
        evidence = {"context": "period", "named": named, "runner_up": runner_up}
        if named >= MIN_NAMED and named >= FOLD * runner_up:
            return Choice(best, evidence)
        if named:
            return Choice(None, {**evidence, "between": [p for n, p in ranked if n]})
    return Choice(None, {})
