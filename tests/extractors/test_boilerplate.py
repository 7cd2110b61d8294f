"""Boilerplate filters: configured phrases and patterns, lines a site repeats."""

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


def test_news_sentences_with_similar_words_survive():
    text = (
        "On Wednesday, Jan. 5, the cabinet resigned.\nHe said a 4 min read of the law was enough."
    )
    assert FILTER.strip(text) == text


def test_template_lines_need_enough_unrelated_stories_across_batch_and_store():
    chrome = "Follow us on Telegram for updates"
    texts = [(f"Story {i} body, long enough to be its own paragraph.\n{chrome}") for i in range(2)]
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
    others = [
        f"Unrelated report number {i} about the council budget and its vote.\n{chrome}"
        for i in range(20)
    ]
    articles = [("a.example", t, article_marks(t)) for t in [*others, *versions]]
    found = template_lines(articles, {}, 2, 40)
    for dropped in found:
        assert line_hash(chrome) in dropped
        assert line_hash(quote) not in dropped
    assert add_carrier(add_carrier(None, frozenset({1, 2})), frozenset({2, 9})).stories == 1
    many = frozenset(range(8))
    # One or two template lines in common do not make two stories one.
    assert add_carrier(add_carrier(None, many), frozenset({0, 1, *range(20, 26)})).stories == 2


def test_a_line_inside_the_text_needs_twice_the_stories_of_one_at_the_edge():
    ad = "Advertisement"

    def report(i: int) -> tuple[str, str, frozenset[int]]:
        body = [f"Paragraph {n} of report {i}, long enough to be its own text." for n in range(8)]
        text = "\n".join([*body[:4], ad, *body[4:]])
        return ("a.example", text, article_marks(text))

    assert all(
        line_hash(ad) not in d for d in template_lines([report(i) for i in range(3)], {}, 2, 20)
    )
    assert all(line_hash(ad) in d for d in template_lines([report(i) for i in range(4)], {}, 2, 20))
