"""Tests for the topic query language in extractors.relevance."""

from __future__ import annotations

import pickle
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.relevance import QueryError, QueryMatch, TopicQuery

SHIPPED = (
    '(CSTO OR "Collective Security Treaty" OR ОДКБ OR peacekeep*) '
    "AND (Kazakh* OR Almaty OR Tokayev OR Казахстан*)"
)
ON_TOPIC = (
    "ALMATY, Jan 7 (Reuters) - Russian paratroopers arrived in Kazakhstan on Thursday as part\n"
    "of a peacekeeping mission of the Collective Security\nTreaty Organization (CSTO), after\n"
    "President Kassym-Jomart Tokayev’s appeal for help. В Казахстане размещены силы ОДКБ."
)
OFF_TOPIC = (
    "Kazakh grain exports rose 12% in December as wheat shipments from Almaty-area elevators\n"
    "to Central Asian neighbours recovered, traders said; Tokayev's government kept its quota."
)


def q(query: str) -> TopicQuery:
    """Shorthand for parsing."""
    return TopicQuery.parse(query)


def canon(query: str) -> str:
    """Canonical form of a query."""
    return str(TopicQuery.parse(query))


def matches(query: str, text: str) -> bool:
    """Whether the query matches the text."""
    return TopicQuery.parse(query).match(text).matched


# --- the shipped topic ---------------------------------------------------------------------


def test_shipped_query_matches_on_topic_paragraph() -> None:
    result = q(SHIPPED).match(ON_TOPIC)
    assert result == QueryMatch(
        True,
        (
            "csto",
            '"collective security treaty"',
            "одкб",
            "peacekeep*",
            "kazakh*",
            "almaty",
            "tokayev",
            "казахстан*",
        ),
    )


def test_shipped_query_rejects_grain_exports() -> None:
    assert q(SHIPPED).match(OFF_TOPIC) == QueryMatch(False, ())


def test_shipped_query_canonical_form() -> None:
    assert str(q(SHIPPED)) == (
        '((csto OR "collective security treaty" OR одкб OR peacekeep*) '
        "AND (kazakh* OR almaty OR tokayev OR казахстан*))"
    )
    assert q(SHIPPED).source == SHIPPED


# --- operators -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("a OR b AND c", "(a OR (b AND c))"),
        ("a AND b OR c", "((a AND b) OR c)"),
        ("NOT a AND b", "(NOT a AND b)"),
        ("NOT a OR b", "(NOT a OR b)"),
        ("NOT (a OR b)", "NOT (a OR b)"),
        ("NOT NOT a", "NOT NOT a"),
        ("a OR b OR c", "(a OR b OR c)"),
        ("(a OR b) OR (c OR d)", "(a OR b OR c OR d)"),
        ("a AND (b AND c)", "(a AND b AND c)"),
        ("csto kazakhstan", "(csto AND kazakhstan)"),
        ("a b OR c d", "((a AND b) OR (c AND d))"),
        ("a NOT b", "(a AND NOT b)"),
        ("a (b OR c)", "(a AND (b OR c))"),
        ("((a OR (b AND (c OR d))))", "(a OR (b AND (c OR d)))"),
        ("(((csto)))", "csto"),
        ("csto", "csto"),
    ],
)
def test_canonical_form_shows_precedence(query: str, expected: str) -> None:
    assert canon(query) == expected


def test_and_binds_tighter_than_or() -> None:
    assert matches("a OR b AND c", "a")
    assert not matches("a OR b AND c", "b")
    assert matches("a OR b AND c", "b c")
    assert not matches("(a OR b) AND c", "a")


def test_not_binds_tighter_than_and() -> None:
    assert matches("NOT a AND b", "b")
    assert not matches("NOT a AND b", "a b")
    assert not matches("NOT (a AND b)", "a b")
    assert matches("NOT (a AND b)", "a")


def test_implicit_and_equals_explicit_and() -> None:
    for text in ["csto", "kazakhstan", "csto kazakhstan", "nothing"]:
        assert matches("csto kazakhstan", text) == matches("csto AND kazakhstan", text)
    assert canon("csto kazakhstan") == canon("csto AND kazakhstan")


def test_not_after_term_means_and_not() -> None:
    assert canon("csto NOT russia") == canon("csto AND NOT russia")
    assert matches("csto NOT russia", "csto troops")
    assert not matches("csto NOT russia", "csto troops from Russia")


def test_lone_not_query_matches_texts_without_the_term() -> None:
    assert q("NOT russia").match("Kazakh grain") == QueryMatch(True, ())
    assert not matches("NOT russia", "Russia")


def test_nested_parentheses() -> None:
    query = "(csto OR (peacekeep* AND (kazakh* OR (almaty AND NOT grain))))"
    assert matches(query, "CSTO")
    assert matches(query, "peacekeepers in Kazakhstan")
    assert matches(query, "peacekeepers in Almaty")
    assert not matches(query, "peacekeepers in Almaty grain market")
    assert not matches(query, "Almaty")


@pytest.mark.parametrize("word", ["and", "or", "not", "And", "Or", "Not"])
def test_lowercase_operators_are_plain_terms(word: str) -> None:
    query = f"csto {word} kazakhstan"
    assert canon(query) == f"(csto AND {word.casefold()} AND kazakhstan)"
    assert matches(query, f"Kazakhstan {word.upper()} CSTO")
    assert not matches(query, "csto, kazakhstan")


def test_keyword_words_inside_phrases_are_plain() -> None:
    assert canon('"law and order"') == '"law and order"'
    assert matches('"law AND order"', "Law and order")


# --- terms, phrases, wildcards -------------------------------------------------------------


def test_terms_match_whole_words_only() -> None:
    assert matches("csto", "the CSTO said")
    assert matches("csto", "(csto)")
    assert not matches("csto", "cstoville")
    assert not matches("csto", "precsto")
    assert not matches("csto", "csto_x")
    assert matches("g7", "at the G7 summit")
    assert not matches("g7", "g77")


def test_hyphenated_terms() -> None:
    assert matches("Kassym-Jomart", "President Kassym-Jomart Tokayev")
    assert matches("kassym-jomart", "KASSYM\u2011JOMART")  # non-breaking hyphen
    assert not matches("kassym-jomart", "Kassym Jomart")
    assert matches("shoot-to-kill", "a shoot-to-kill order")
    assert matches("kassym", "Kassym-Jomart")  # hyphen is a word boundary


@pytest.mark.parametrize("text", ["Tokayev's", "Tokayev’s", "TOKAYEV’S appeal", "‘Tokayev’"])
def test_possessives_match_the_bare_name(text: str) -> None:
    assert matches("Tokayev", text)


def test_apostrophe_terms_accept_either_apostrophe() -> None:
    assert matches("Tokayev’s", "tokayev's office")
    assert matches("o'brien", "O’Brien said")
    assert not matches("Tokayev's", "Tokayev said")


@pytest.mark.parametrize("text", ["Kazakh", "Kazakhstan", "Kazakhstan's", "KAZAKHS", "kazakh-led"])
def test_trailing_wildcard_matches_word_prefix(text: str) -> None:
    assert matches("kazakh*", text)


@pytest.mark.parametrize("text", ["Kazak", "Karakalpak", "akazakh", "un-kazak"])
def test_trailing_wildcard_needs_the_prefix_at_word_start(text: str) -> None:
    assert not matches("kazakh*", text)


def test_phrase_spans_any_whitespace() -> None:
    query = '"Collective Security Treaty"'
    assert matches(query, "the collective security treaty")
    assert matches(query, "the Collective\nSecurity \t\n Treaty Organization")
    assert matches(query, "COLLECTIVE\u00a0SECURITY TREATY")
    assert not matches(query, "collective, security treaty")
    assert not matches(query, "security collective treaty")
    assert not matches(query, "collective securityx treaty")
    assert not matches(query, "collective security treatyx")


def test_phrase_wildcard_on_last_word() -> None:
    assert canon('"Collective Secur*"') == '"collective secur*"'
    assert matches('"collective secur*"', "collective\nsecurity")
    assert not matches('"collective secur*"', "collective insecurity")


def test_curly_double_quotes_delimit_phrases() -> None:
    assert canon("“Collective Security”") == '"collective security"'


def test_single_word_phrase_keeps_its_quotes() -> None:
    assert q('"CSTO"').match("csto") == QueryMatch(True, ('"csto"',))


# --- Unicode and case ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("ОДКБ", "одкб"),
        ("одкб", "ОДКБ"),
        ("Казахстан*", "в казахстане"),
        ("TOKAYEV", "tokayev"),
        ("straße", "STRASSE"),
        ("café", "CAFE\u0301"),  # decomposed text is NFC-normalised
    ],
)
def test_matching_is_case_insensitive(query: str, text: str) -> None:
    assert matches(query, text)


def test_cyrillic_word_boundaries() -> None:
    assert not matches("одкб", "одкбшный")
    assert matches("одкб", "(ОДКБ)")


# --- empty query ---------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "   ", "\n\t "])
def test_empty_query_matches_everything(query: str) -> None:
    parsed = q(query)
    assert parsed.match("anything at all") == QueryMatch(True, ())
    assert parsed.match("") == QueryMatch(True, ())
    assert str(parsed) == ""


# --- syntax errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "position", "reason"),
    [
        ("csto AND (kazakh", 9, "missing ')'"),
        ("((a OR b)", 0, "missing ')'"),
        ("a)", 1, "unexpected ')'"),
        (")", 0, "found ')'"),
        ("(a OR b))", 8, "unexpected ')'"),
        ("()", 0, "empty parentheses"),
        ("a AND ()", 6, "empty parentheses"),
        ("csto AND", 8, "query ended"),
        ("csto OR", 7, "query ended"),
        ("NOT", 3, "query ended"),
        ("AND csto", 0, "found 'AND'"),
        ("OR csto", 0, "found 'OR'"),
        ("a AND OR b", 6, "found 'OR'"),
        ("a OR AND b", 5, "found 'AND'"),
        ("(AND)", 1, "found 'AND'"),
        ("a NOT", 5, "query ended"),
        ("*", 0, "'*' must follow a word"),
        ("a *", 2, "'*' must follow a word"),
        ("kazakh**", 7, "'*' must follow a word"),
        ("kaz*akh", 3, "end of a word"),
        ('"csto', 0, "unterminated quote"),
        ('a "collective security', 2, "unterminated quote"),
        ('""', 0, "empty phrase"),
        ('"  "', 0, "empty phrase"),
        ('"collect* security"', 1, "last word of a phrase"),
        ('"a *"', 3, "not a word"),
        ('"U.S. troops"', 1, "not a word"),
        ("a & b", 2, "unexpected '&'"),
        ("-csto", 0, "unexpected '-'"),
        ("csto-", 4, "unexpected '-'"),
    ],
)
def test_syntax_errors_report_position(query: str, position: int, reason: str) -> None:
    with pytest.raises(QueryError) as info:
        TopicQuery.parse(query)
    assert info.value.position == position
    assert reason in info.value.reason
    assert str(info.value) == f"query {query!r} : {info.value.reason} at position {position}"


def test_query_error_is_a_value_error_and_pickles() -> None:
    with pytest.raises(ValueError, match=r"missing '\)' .* at position 9"):
        TopicQuery.parse("csto AND (kazakh")
    error = QueryError("(a", "missing ')'", 0)
    assert str(pickle.loads(pickle.dumps(error))) == str(error)


def test_deep_nesting_is_a_query_error_not_a_recursion_error() -> None:
    with pytest.raises(QueryError, match="nesting"):
        TopicQuery.parse("(" * 5000 + "a" + ")" * 5000)
    with pytest.raises(QueryError, match="nesting"):
        TopicQuery.parse("NOT " * 4000 + "a")  # within the length cap, so nesting is the error
    assert canon("(" * 30 + "a" + ")" * 30) == "a"


# --- reported terms ------------------------------------------------------------------------


def test_reported_terms_are_casefolded_deduplicated_in_query_order() -> None:
    query = '(Almaty OR CSTO OR "Collective  Security") AND (csto OR Kazakh*) AND ALMATY'
    text = "CSTO troops, Collective Security forces, in Almaty, Kazakhstan"
    assert q(query).match(text).terms == ("almaty", "csto", '"collective security"', "kazakh*")


def test_reported_terms_exclude_absent_and_negated_terms() -> None:
    query = "(csto OR odkb) AND NOT (grain OR wheat) AND kazakh*"
    result = q(query).match("CSTO in Kazakhstan; wheat")
    assert result == QueryMatch(False, ())
    result = q("(csto OR odkb) AND NOT (grain AND wheat) AND NOT almaty").match("CSTO grain")
    assert result == QueryMatch(True, ("csto",))


def test_double_negation_is_positive() -> None:
    assert q("NOT NOT csto").match("csto") == QueryMatch(True, ("csto",))


def test_terms_in_undecisive_or_branches_are_still_reported() -> None:
    assert q("csto OR kazakh*").match("Kazakhstan and the CSTO").terms == ("csto", "kazakh*")


def test_non_match_reports_no_terms() -> None:
    assert q("csto AND almaty").match("CSTO only") == QueryMatch(False, ())


def test_query_can_be_reused_across_texts() -> None:
    parsed = q("csto OR almaty")
    assert parsed.match("almaty").terms == ("almaty",)
    assert parsed.match("csto").terms == ("csto",)
    assert not parsed.match("neither").matched


def test_repr_shows_source() -> None:
    assert repr(q("csto")) == "TopicQuery.parse('csto')"


# --- property tests ------------------------------------------------------------------------

Ast = tuple[Any, ...]
QUERY_WORDS = ["csto", "kazakh", "kazakhstan", "almaty", "одкб", "and", "or", "not", "g7"]
QUERY_WILDCARDS = ["kazakh*", "одк*", "a*", "s*"]
QUERY_PHRASES = [("collective", "security"), ("kazakh", "grain"), ("csto", "kaz*"), ("s", "or")]
TEXT_WORDS = [
    *("csto", "kazakh", "kazakhstan", "kazakhstan's", "kazakhstan’s", "almaty", "одкб"),
    *("and", "or", "not", "collective", "security", "grain", "g7", "cstoville", "akazakh", "s"),
]
SEPARATORS = [" ", "\n", " \t ", ", ", ". ", "-", "\u00a0"]

leaves = st.one_of(
    st.sampled_from(QUERY_WORDS + QUERY_WILDCARDS).map(lambda w: ("term", (w,))),
    st.sampled_from(QUERY_PHRASES).map(lambda p: ("phrase", p)),
)
asts: st.SearchStrategy[Ast] = st.recursive(
    leaves,
    lambda kids: st.one_of(
        kids.map(lambda k: ("not", k)),
        st.tuples(st.sampled_from(["and", "or"]), st.lists(kids, min_size=2, max_size=3)),
    ),
    max_leaves=8,
)


def style(word: str, data: st.DataObject) -> str:
    """Random letter case that never turns a plain word into an operator."""
    cases = [str.lower, str.title] + ([] if word in ("and", "or", "not") else [str.upper])
    return data.draw(st.sampled_from(cases))(word)


def render(node: Ast, data: st.DataObject) -> str:
    """Write an AST as query text in a randomly chosen but equivalent surface style."""
    kind = node[0]
    if kind == "term":
        text = style(node[1][0], data)
    elif kind == "phrase":
        gap = data.draw(st.sampled_from([" ", "  ", "\n"]))
        text = '"' + gap.join(style(w, data) for w in node[1]) + '"'
    elif kind == "not":
        text = "NOT " + render(node[1], data)
    else:
        implicit = node[0] == "and" and data.draw(st.booleans())
        glue = " " if implicit else f" {node[0].upper()} "
        text = "(" + glue.join(render(kid, data) for kid in node[1]) + ")"
    return f"({text})" if data.draw(st.integers(0, 5)) == 0 else text


def words_and_gaps(text: str) -> tuple[list[str], list[str]]:
    """Casefolded runs of word characters, and the separators before each one."""
    parts = re.split(r"(\w+)", text.replace("’", "'").casefold())
    return parts[1::2], parts[0::2]


def has(words: tuple[str, ...], text_words: list[str], gaps: list[str]) -> bool:
    """Reference: consecutive words split only by whitespace; '*' on the last is a prefix."""
    n = len(words)
    for i in range(len(text_words) - n + 1):
        if not all(gap.isspace() for gap in gaps[i + 1 : i + n]):
            continue
        *head, last = words
        if list(head) != text_words[i : i + n - 1]:
            continue
        word = text_words[i + n - 1]
        if word.startswith(last[:-1]) if last.endswith("*") else word == last:
            return True
    return False


def reference(node: Ast, text_words: list[str], gaps: list[str]) -> bool:
    """Trivially correct evaluator over the word list."""
    if node[0] in ("term", "phrase"):
        return has(node[1], text_words, gaps)
    if node[0] == "not":
        return not reference(node[1], text_words, gaps)
    values = [reference(kid, text_words, gaps) for kid in node[1]]
    return all(values) if node[0] == "and" else any(values)


def reference_terms(node: Ast, negated: bool = False) -> list[tuple[str, tuple[str, ...]]]:
    """Positive terms as (canonical key, words), in query order."""
    if node[0] == "term":
        return [] if negated else [(node[1][0], node[1])]
    if node[0] == "phrase":
        return [] if negated else [('"' + " ".join(node[1]) + '"', node[1])]
    if node[0] == "not":
        return reference_terms(node[1], not negated)
    return [term for kid in node[1] for term in reference_terms(kid, negated)]


texts = st.lists(
    st.tuples(
        st.sampled_from(TEXT_WORDS).flatmap(lambda w: st.sampled_from([w, w.upper(), w.title()])),
        st.sampled_from(SEPARATORS),
    ),
    max_size=12,
).map(lambda pairs: "".join(word + sep for word, sep in pairs))


@settings(max_examples=300)
@given(asts, st.data())
def test_canonical_form_round_trips(node: Ast, data: st.DataObject) -> None:
    canonical = str(TopicQuery.parse(render(node, data)))
    assert str(TopicQuery.parse(canonical)) == canonical


@settings(max_examples=500)
@given(asts, texts, st.data())
def test_match_agrees_with_reference_evaluator(node: Ast, text: str, data: st.DataObject) -> None:
    text_words, gaps = words_and_gaps(text)
    expected = reference(node, text_words, gaps)
    expected_terms: tuple[str, ...] = ()
    if expected:
        found = [key for key, words in reference_terms(node) if has(words, text_words, gaps)]
        expected_terms = tuple(dict.fromkeys(found))
    parsed = TopicQuery.parse(render(node, data))
    assert parsed.match(text) == QueryMatch(expected, expected_terms)
    assert TopicQuery.parse(str(parsed)).match(text) == QueryMatch(expected, expected_terms)


query_fragments = st.sampled_from(
    ["a", "kazakh", "ОДКБ", "*", '"', "(", ")", " ", "\n", "-", "'", "’", "“", "AND", "OR", "NOT"]
)


@settings(max_examples=500)
@given(st.one_of(st.text(), st.lists(query_fragments, max_size=20).map("".join)), st.text())
def test_parse_only_raises_query_error(query: str, text: str) -> None:
    try:
        parsed = TopicQuery.parse(query)
    except QueryError as error:
        assert 0 <= error.position <= len(query)
        return
    canonical = str(parsed)
    assert str(TopicQuery.parse(canonical)) == canonical
    assert isinstance(parsed.match(text).matched, bool)


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ('"коллективной безопасности"', "Организация Договора о коллективная безопасность"),
        ('"коллективная безопасность"', "Совет коллективной безопасности собрался"),
        ("миротворцы AND ОДКБ", "Колонна миротворцев ОДКБ вошла в город"),
        ("Казахстан*", "в Казахстане введено чрезвычайное положение"),
        ('"миротворческие сил*"', "переброска миротворческих сил"),
    ],
)
def test_russian_words_and_phrases_match_by_lemma(query, text):
    assert TopicQuery.parse(query).match(text).matched


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ('"коллективной безопасности"', "безопасность коллективная"),  # order still counts
        ("миротворцы", "мирные жители"),
        ('"коллективной безопасности"', "collective security"),
    ],
)
def test_lemma_matching_does_not_widen_beyond_the_words(query, text):
    assert not TopicQuery.parse(query).match(text).matched


def test_a_query_too_long_is_refused_with_its_size() -> None:
    with pytest.raises(QueryError, match="query too long: 1000001 characters"):
        TopicQuery.parse("a" * 1_000_001)
    many = " ".join(f"w{i}" for i in range(2_500))  # 2,500 terms in 14,000 characters
    with pytest.raises(QueryError, match="query too long: 2500 terms"):
        TopicQuery.parse(many)
    TopicQuery.parse(" OR ".join(f"word{i}" for i in range(1_000)))  # long, but allowed


@pytest.mark.parametrize("first", ["hyperscan", "duckdb"])
def test_hyperscan_and_duckdb_load_together_in_either_order(first):
    # Some hyperscan wheels (0.7.21) abort the process when loaded before DuckDB; a backfill
    # task loads both, in whichever order its imports run. A fresh interpreter per order.
    import subprocess
    import sys

    pytest.importorskip("hyperscan")
    second = "duckdb" if first == "hyperscan" else "hyperscan"
    code = (
        f"import {first}, {second}, duckdb, hyperscan\n"
        "db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)\n"
        "db.compile(expressions=[b'kazakh'], ids=[0], flags=hyperscan.HS_FLAG_CASELESS)\n"
        "assert duckdb.connect().execute('select 41 + 1').fetchone() == (42,)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
