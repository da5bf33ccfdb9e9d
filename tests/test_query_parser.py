"""The query language's parser (articles.search.query): pure, no database, no engine."""

from __future__ import annotations

import pytest

from articles.search.query import (
    HEADLINE,
    MAX_LEAVES,
    And,
    Byline,
    Not,
    Or,
    Outlet,
    Phrase,
    Prefix,
    Word,
    parse_query,
    to_query,
)
from articles.search.query.tokens import MAX_DEPTH


def w(text, **kw):
    return Word(text, **kw)


def root(q):
    parsed = parse_query(q)
    assert parsed.error is None, parsed.error
    return parsed.root


@pytest.mark.parametrize(
    ("q", "tree"),
    [
        ("tanker NOT Hormuz", And((w("tanker"), Not(w("hormuz"))))),
        ("tanker -Hormuz", And((w("tanker"), Not(w("hormuz"))))),
        ("tanker AND NOT Hormuz", And((w("tanker"), Not(w("hormuz"))))),
        ("NOT tanker", Not(w("tanker"))),
        ("NOT NOT tanker", w("tanker")),
        ("-(a1 OR b1)", Not(Or((w("a1"), w("b1"))))),
        # NOT binds tighter than AND, AND (said or implied) tighter than OR
        ("a1 OR b1 c1", Or((w("a1"), And((w("b1"), w("c1")))))),
        ("a1 b1 OR c1", Or((And((w("a1"), w("b1"))), w("c1")))),
        ("a1 AND b1 OR c1 AND d1", Or((And((w("a1"), w("b1"))), And((w("c1"), w("d1")))))),
        ("NOT a1 OR b1", Or((Not(w("a1")), w("b1")))),
        ("(a1 OR b1) c1", And((Or((w("a1"), w("b1"))), w("c1")))),
        (
            "a1 (b1 (c1 OR (d1 e1)))",
            And((w("a1"), w("b1"), Or((w("c1"), And((w("d1"), w("e1"))))))),
        ),
        ("a1 a1 a1", w("a1")),
        ("a1 OR a1", w("a1")),
        ("+a1 +b1", And((w("a1"), w("b1")))),
        ("a1 && b1 || c1", Or((And((w("a1"), w("b1"))), w("c1")))),
        # phrases anywhere, exact word forms inside quotes
        ('"oil prices"', Phrase(("oil", "prices"))),
        (
            'a1 ("Gulf of Oman" OR b1)',
            And((w("a1"), Or((Phrase(("gulf", "of", "oman")), w("b1"))))),
        ),
        ('"sanctions"', w("sanctions", exact=True)),
        ('-"oil prices"', Not(Phrase(("oil", "prices")))),
        ('""', None),
        # proximity
        ('"iran sanctions"~5', Phrase(("iran", "sanctions"), slop=5)),
        (
            "iran NEAR/5 sanctions",
            Phrase(("iran", "sanctions"), exact=False, slop=5, ordered=False),
        ),
        ("=iran NEAR/2 =sanctions", Phrase(("iran", "sanctions"), slop=2, ordered=False)),
        (
            "a1 NEAR/3 b1 c1",
            And((Phrase(("a1", "b1"), exact=False, slop=3, ordered=False), w("c1"))),
        ),
        # prefixes, exact forms, fields
        ("sanction*", Prefix("sanction")),
        ("=sanction", w("sanction", exact=True)),
        ("headline:Iran", w("iran", field=HEADLINE)),
        ("Title:Iran", w("iran", field=HEADLINE)),
        ("headline: Iran talks", And((w("iran", field=HEADLINE), w("talks")))),
        (
            "headline:(a1 OR =b1)",
            Or((w("a1", field=HEADLINE), w("b1", field=HEADLINE, exact=True))),
        ),
        ('headline:"oil prices"', Phrase(("oil", "prices"), field=HEADLINE)),
        ("headline:sanction*", Prefix("sanction", field=HEADLINE)),
        ("outlet:reuters", Outlet("reuters")),
        ('source:"Press TV"', Outlet("press-tv")),
        ("outlet:(reuters OR press-tv)", Or((Outlet("reuters"), Outlet("press-tv")))),
        ("-outlet:reuters", Not(Outlet("reuters"))),
        ("author:smith iran", And((Byline("smith"), w("iran")))),
        ('byline:"Lisa Rathke"', Byline("lisa-rathke")),
        ("AUTHOR:(smith OR jones-2)", Or((Byline("smith"), Byline("jones-2")))),
        ("headline:iran -author:smith", And((w("iran", field=HEADLINE), Not(Byline("smith"))))),
        # folding, inner punctuation, Unicode
        ("Kata’ib", w("kataib")),
        ("al-Asad", Phrase(("al", "asad"), exact=False)),
        ("U.S.", w("u.s")),
        ("İSTANBUL", w("istanbul")),
        ("كتائب", Phrase(("kti", "b"), exact=False)),
        ("[oil]", w("oil")),
        ("iran - iraq", And((w("iran"), w("iraq")))),
        ("&", None),
        ("", None),
    ],
)
def test_queries_read_as_trees(q, tree):
    assert root(q) == tree


@pytest.mark.parametrize(
    "q",
    [
        'tanker (Hormuz OR "Gulf of Oman")',
        "a1 OR b1 c1 -d1",
        "NOT (a1 OR b1) headline:c1 outlet:reuters",
        '"iran sanctions"~5 OR x1 NEAR/2 y1 OR =z1 NEAR/1 =q1',
        "headline:(x1 NEAR/2 y1) sanction* Kata'ib al-Asad",
        '-"oil prices" NOT (a1 (b1 OR c1))',
    ],
)
def test_a_tree_written_back_reads_as_the_same_tree(q):
    tree = root(q)
    assert root(to_query(tree)) == tree


def test_mixing_and_with_or_says_how_it_was_read():
    parsed = parse_query("tanker Hormuz OR Gulf")
    assert parsed.notes == (
        "Read as: (tanker Hormuz) OR Gulf (AND goes before OR; use parentheses to group "
        "otherwise).",
    )
    assert parse_query("(tanker Hormuz) OR Gulf").notes == ()
    assert parse_query("tanker (Hormuz OR Gulf)").notes == ()


def test_lower_case_operators_are_words_and_the_capitals_are_offered():
    parsed = parse_query("tanker not Hormuz or Gulf")
    assert parsed.root == And((w("tanker"), w("hormuz"), w("gulf")))
    assert parsed.suggestion == "tanker NOT Hormuz OR Gulf"
    assert parsed.notes[0].startswith("“not” in lower case is a word, not an operator")
    assert parse_query("not tanker").suggestion is None  # nothing before it: a word


def test_an_unknown_field_is_searched_as_words_and_said():
    parsed = parse_query("place:Iraq troops")
    assert parsed.root == And((w("place"), w("iraq"), w("troops")))
    assert "“place:” is not a search field" in parsed.notes[0]
    assert parse_query("Iran: talks").notes == ()  # a colon in a headline
    assert parse_query("10:30").root == Phrase(("10", "30"), exact=False)


# (query, 0-based position, what is said, the query offered instead)
UNREADABLE = [
    ('"', 0, "a quotation mark is not closed, at the start", None),
    ('troops "Kirkuk', 7, 'a quotation mark is not closed, after “troops "”', 'troops "Kirkuk"'),
    ("(", 0, "“(” is not closed, at the start", None),
    ("tanker (", 7, "“(” is not closed, after “tanker (”", "tanker"),
    ("tanker (Hormuz OR Gulf", 7, "“(” is not closed, after “tanker (”", "tanker (Hormuz OR Gulf)"),
    ("(((Iraq", 2, "“(” is not closed", "(((Iraq)))"),
    ("troops)", 6, "“)” closes no “(”, after “troops)”", "troops"),
    ("()", 0, "empty parentheses", None),
    ("AND", 0, "“AND” needs a word or group before it, at the start", None),
    ("OR Hormuz", 0, "“OR” needs a word or group before it", "Hormuz"),
    ("tanker AND", 7, "“AND” needs a word or group after it, after “tanker AND”", "tanker"),
    ("tanker OR", 7, "“OR” needs a word or group after it", "tanker"),
    ("tanker NOT", 7, "“NOT” needs a word or group after it", "tanker"),
    ("tanker AND OR Gulf", 7, "“AND” needs a word or group after it", "tanker OR Gulf"),
    ("NOT", 0, "“NOT” needs a word or group after it", None),
    ("--troops", 0, "two minus signs", "-troops"),
    ("!troops", 0, "“!” is not an operator here: write NOT or -", "-troops"),
    ("s*", 0, "“s*” is too short a prefix: type at least 3 letters before *", "s"),
    ("*", 0, "too short a prefix", None),
    ("sa*n", 2, "a * can only end a word", "san"),
    ('"iran sanction*"', 14, "a prefix (word*) cannot go inside quotes", '"iran sanction"'),
    ("al-as*", 0, "a prefix is one word", "al-as"),
    ("Iraq^2", 4, "boosting (^) is not supported", "Iraq"),
    ("troops~2", 6, "fuzzy search (~ after a word) is not supported", "troops"),
    ('"iran sanctions"~', 16, "“~” after a phrase needs a number of words", '"iran sanctions"'),
    ('"a1 b1"~500', 7, "“~500” is too far: at most ~100", '"a1 b1"~100'),
    (
        "iran NEAR sanctions",
        5,
        "“NEAR” needs a distance in words, as in NEAR/5",
        "iran NEAR/5 sanctions",
    ),
    ("iran NEAR/x sanctions", 5, "needs a distance in words", "iran NEAR/5 sanctions"),
    ("a1 NEAR/5 b1 NEAR/5 c1", 13, "a chain of them cannot be read", "a1 NEAR/5 b1 AND c1"),
    ('"a1 b1" NEAR/2 c1', 8, "joins two single words", '"a1 b1" AND c1'),
    ("=a1 NEAR/2 b1", 4, "must be searched alike", "=a1 AND b1"),
    ("NEAR/5 b1", 0, "“NEAR/5” needs a word or group before it", "b1"),
    ("author:smith* iran", 7, "author: takes a name", None),
    ("headline:(a1 byline:b1)", 13, "“byline:” inside another field", "headline:(a1 b1)"),
    ("headline:", 0, "“headline:” needs a word, phrase or group after it", None),
    ("headline:(a1 outlet:b1)", 13, "“outlet:” inside another field", "headline:(a1 b1)"),
    ("outlet:=reuters", 8, "outlet: takes an outlet's name", None),
    ("=(a1)", 0, "“=” goes right before a word", "(a1)"),
]


@pytest.mark.parametrize(
    ("q", "position", "said", "offered"), UNREADABLE, ids=[u[0] for u in UNREADABLE]
)
def test_what_cannot_be_read_is_said_with_where_and_the_closest_query(q, position, said, offered):
    parsed = parse_query(q)
    assert parsed.root is None and parsed.error is not None
    assert said in parsed.error.message
    assert parsed.error.message.startswith("Could not read the query: ")
    assert parsed.error.position == position
    assert parsed.error.offered == offered
    if offered:
        assert parse_query(offered).error is None


def test_nesting_and_length_are_bounded():
    deep = "(" * (MAX_DEPTH + 1) + "a1" + ")" * (MAX_DEPTH + 1)
    assert "nested more than" in parse_query(deep).error.message
    assert parse_query("(" * MAX_DEPTH + "a1" + ")" * MAX_DEPTH).error is None
    assert "NOTs nested" in parse_query("NOT " * (MAX_DEPTH + 1) + "a1").error.message
    many = " OR ".join(f"w{n}" for n in range(MAX_LEAVES + 1))
    error = parse_query(many).error
    assert f"more than {MAX_LEAVES} words" in error.message
    assert error.offered == " OR ".join(f"w{n}" for n in range(MAX_LEAVES))
    long = parse_query("word " * 1000)
    assert "longer than 2,000 characters" in long.error.message
    assert parse_query(long.error.offered).error is None


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "(",
        ")",
        "AND",
        "OR",
        "NOT",
        "*",
        "?",
        "-",
        "--",
        "~",
        "^",
        ":",
        "=",
        "!",
        "NEAR/",
        "x" * 5000,
        "(" * 500,
        ")" * 500,
        '"' * 501,
        "a" + " OR" * 300,
        "\x00",
        "\u200b",
        "😀 NEAR/1 😀",
        "headline:" * 50,
        "-" * 100 + "x",
        "=" * 10 + "x",
        'outlet:"',
        "a (b) c)",
    ],
)
def test_odd_input_never_raises(q):
    parsed = parse_query(q)
    assert (parsed.error is None) or parsed.error.message


@pytest.mark.parametrize(
    ("q", "lucene"),
    [
        ("tanker", 'text:"tanker"'),
        ("tanker -Hormuz", '(text:"tanker" AND NOT text:"hormuz")'),
        # Lucene: a group that only excludes matches nothing, so it excludes from everything
        ("-tanker -Hormuz", '(*:* AND NOT text:"tanker" AND NOT text:"hormuz")'),
        ("a1 OR NOT b1", '(text:"a1" OR (*:* AND NOT text:"b1"))'),
        ('"Gulf of Oman" =Iran', '(text_unstemmed:"gulf of oman" AND text_unstemmed:"iran")'),
        ('"iran sanctions"~5', 'text_unstemmed:"iran sanctions"~5'),
        ("iran NEAR/5 sanctions", '(text:"iran sanctions"~5 OR text:"sanctions iran"~5)'),
        ("iran NEAR/0 oil", '(text:"iran oil" OR text:"oil iran")'),
        ("headline:(=a1 OR b1)", '(headline_unstemmed:"a1" OR headline:"b1")'),
        ("outlet:reuters and", 'source_exact:"reuters"'),
        ("a1 -author:smith", '(text:"a1" AND NOT authors_exact:"smith")'),
    ],
)
def test_what_the_haystack_engines_are_sent(q, lucene):
    from articles.search.lucene import to_lucene
    from articles.search.query import transform

    tree = transform(root(q), lambda leaf, _: None if leaf == w("and") else leaf)
    assert to_lucene(tree, match_all="*:*", value=lambda f, s: f'{f}_exact:"{s}"') == lucene
    prefixed = Prefix("sanction", forms=("sanctions", "sanction"))
    assert to_lucene(prefixed, match_all="*:*", value=lambda f, s: s) == (
        '(text_unstemmed:"sanctions" OR text_unstemmed:"sanction")'
    )
