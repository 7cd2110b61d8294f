"""Boilerplate filters: configured phrases and patterns, lines a site repeats."""

from extractors.boilerplate import PhraseFilter, drop_lines, line_hash, repeated_lines
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


def test_repeated_lines_need_enough_articles_across_batch_and_store():
    chrome = "Follow us on Telegram for updates"
    texts = [("a.example", f"Story {i} body.\n{chrome}") for i in range(2)]
    assert repeated_lines(texts, {}, 3, 200) == {"a.example": set()}
    stored = {"a.example": {line_hash(chrome): 1}}
    found = repeated_lines(texts, stored, 3, 200)
    assert found == {"a.example": {line_hash(chrome)}}
    # Another site printing the same line is counted apart.
    assert repeated_lines([("b.example", chrome)], stored, 3, 200) == {"b.example": set()}
    assert drop_lines(f"Body.\n{chrome.upper()}", found["a.example"]) == "Body."
