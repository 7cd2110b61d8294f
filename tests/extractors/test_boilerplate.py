"""Boilerplate filters: configured phrases and patterns, lines a site repeats."""

import random

from common.sitelines import LineStats, add_carrier
from extractors.boilerplate import (
    PhraseFilter,
    article_marks,
    drop_lines,
    line_hash,
    template_lines,
)
from newswatch.settings import load_settings

SHIPPED = load_settings(env={}).clean
VOCAB = [
    "council",
    "budget",
    "vote",
    "grain",
    "harbour",
    "bridge",
    "river",
    "strike",
    "rail",
    "freight",
    "school",
    "exams",
    "football",
    "derby",
    "mayor",
    "court",
    "judge",
    "appeal",
    "market",
    "shares",
    "bank",
    "rates",
    "farmers",
    "harvest",
    "drought",
    "storm",
    "airport",
    "runway",
    "museum",
    "opera",
    "concert",
    "police",
    "patrol",
    "election",
    "ballot",
    "mine",
    "copper",
    "pipeline",
    "refinery",
    "hospital",
    "nurses",
    "teachers",
    "wages",
    "tram",
    "depot",
    "festival",
    "library",
    "ferry",
    "island",
]


def sentence(seed: int, words: int = 12) -> str:
    """A sentence of its own words, unrelated to sentences of other seeds."""
    return " ".join(random.Random(seed).sample(VOCAB, words)).capitalize() + "."


FILTER = PhraseFilter(SHIPPED.boilerplate_phrases, SHIPPED.boilerplate_patterns)


def test_phrase_removed_even_when_glued_into_a_paragraph():
    text = "Troops left on Thursday.error: Content is protected !!\nNext line."
    assert FILTER.strip(text) == "Troops left on Thursday.\nNext line."


def test_shipped_patterns_drop_banner_reading_time_and_teasers():
    text = "\n".join(
        [
            "• Wed. Jul 6th, 2022",
            "4 min read",
            "The alliance sent troops.",
            "ALSO READ: Protests spread in the west",
            "Officials spoke.ALSO READ: One thing ALSO READ: Another",
            "Advertisement",
            "We use cookies to improve your experience.",
        ]
    )
    assert FILTER.strip(text) == "The alliance sent troops.\nOfficials spoke."


def test_long_runs_of_blanks_are_filtered_in_linear_time():
    # A real page's text had lines of thousands of blanks; with the shipped date-banner
    # pattern (two optional runs of spaces) they took quadratic time: 150 ms for 50 KB.
    # At this size the old filter ran for minutes; the test would hang, not pass.
    blanks = " \t" * 200_000
    text = f"The alliance sent troops.\n{blanks}\n• Wed. Jul 6th, 2022\n{blanks}Officials spoke."
    assert FILTER.strip(text) == "The alliance sent troops.\nOfficials spoke."


def test_news_sentences_with_similar_words_survive():
    text = (
        "On Wednesday, Jan. 5, the cabinet resigned.\nHe said a 4 min read of the law was enough."
    )
    assert FILTER.strip(text) == text


def test_template_lines_need_enough_unrelated_stories_across_batch_and_store():
    chrome = "Follow us on Telegram for updates"
    bodies = [
        "Grain prices rose again at the Kostanay exchange as buyers returned.",
        "A rail strike stopped freight trains between Almaty and Shymkent overnight.",
    ]
    texts = [f"{body}\n{chrome}" for body in bodies]
    articles = [("a.example", t, article_marks(t)) for t in texts]
    assert template_lines(articles, {}, 3, 40) == [set(), set()]
    stored = {"a.example": {line_hash(chrome): LineStats(1, frozenset({7}))}}
    found = template_lines(articles, stored, 3, 40)
    assert found == [{line_hash(chrome)}, {line_hash(chrome)}]
    # Another site printing the same line is counted apart.
    other = [("b.example", chrome, article_marks(chrome))]
    assert template_lines(other, stored, 3, 40) == [set()]
    assert drop_lines(f"Body.\n{chrome.upper()}", found[0]) == "Body."


def test_versions_of_one_story_count_once_and_keep_their_short_lines():
    # Three versions of one report share paragraphs and short lines; the site's chrome line
    # sits at the bottom of twenty unrelated reports too.
    chrome = "Follow us on Telegram for updates"
    quote = "“We will hold,” the mayor said."
    shared = "The river rose by two metres overnight and closed the main bridge to traffic."
    versions = [
        f"{shared}\n{quote}\nUpdate {i}: crews worked through the night on the levee.\n{chrome}"
        for i in range(3)
    ]
    others = [f"{sentence(i)}\n{chrome}" for i in range(20)]
    articles = [("a.example", t, article_marks(t)) for t in [*others, *versions]]
    found = template_lines(articles, {}, 2, 40)
    for dropped in found:
        assert line_hash(chrome) in dropped
        assert line_hash(quote) not in dropped
    assert add_carrier(add_carrier(None, frozenset({1, 2})), frozenset({2, 9})).stories == 1
    many = frozenset(range(16))
    # A run or two in common (a template line, a stock phrase) do not make two stories one.
    assert add_carrier(add_carrier(None, many), frozenset({0, 1, *range(20, 34)})).stories == 2


def test_a_line_inside_the_text_needs_twice_the_stories_of_one_at_the_edge():
    ad = "Advertisement"

    def report(i: int) -> tuple[str, str, frozenset[int]]:
        body = [sentence(i * 100 + n) for n in range(8)]
        text = "\n".join([*body[:4], ad, *body[4:]])
        return ("a.example", text, article_marks(text))

    assert all(
        line_hash(ad) not in d for d in template_lines([report(i) for i in range(3)], {}, 2, 20)
    )
    assert all(line_hash(ad) in d for d in template_lines([report(i) for i in range(4)], {}, 2, 20))


def test_a_light_rewrite_of_a_story_is_a_version_an_unrelated_story_is_not():
    story = "\n".join(sentence(n, 14) for n in range(6))
    words = story.split(" ")
    # One word in ten swapped, as a spinner or an editor's pass would.
    rewrite = " ".join("rewritten" if i % 10 == 3 else w for i, w in enumerate(words))
    other = "\n".join(sentence(50 + n, 14) for n in range(6))
    first = add_carrier(None, article_marks(story))
    assert add_carrier(first, article_marks(rewrite)).stories == 1
    assert add_carrier(first, article_marks(other)).stories == 2
