"""The sense-blind WordNet spinner the story bench builds its labelled copies with."""

from __future__ import annotations

import os
import random

import pytest

from bench.wordnet_spinner import WordNetMissing, WordNetSpinner, load_thesaurus, reorder

try:
    THESAURUS = load_thesaurus()
except WordNetMissing as exc:
    # `make test` installs Debian's wordnet-base in CI; elsewhere it may be absent.
    if os.environ.get("CI") == "true":
        raise
    pytest.skip(str(exc), allow_module_level=True)

TEXT = (
    "Law enforcement officers in Kazakhstan said on Tuesday that 3,000 troops had arrived. "
    "The president asked the alliance for help after protests turned violent in the city."
)


def test_any_sense_of_any_word_is_fair_game_names_and_phrases_included():
    assert "Republic of Kazakhstan" in THESAURUS.lookup("Kazakhstan")
    assert "PM" in THESAURUS.lookup("prime minister")  # a phrase looked up as one
    assert THESAURUS.lookup("refineries") == THESAURUS.lookup("refinery")  # plural as its lemma
    assert THESAURUS.lookup("went") == THESAURUS.lookup("go")  # WordNet's exception list


def test_spin_replaces_the_asked_share_and_leaves_function_words():
    spinner = WordNetSpinner(THESAURUS)
    out = spinner.spin(TEXT, 0.35, random.Random(4))
    assert 0.3 <= out.rate <= 0.4
    assert out.text != TEXT
    for word in (" the ", " that ", " had ", " for "):
        assert TEXT.count(word) <= out.text.count(word) + 1
    again = spinner.spin(TEXT, 0.35, random.Random(4))
    assert again == out  # the same seed spins the same way


def test_reorder_moves_sentences_but_keeps_them_all():
    text = "\n\n".join(" ".join(f"Sentence {p}.{s} ends here." for s in range(4)) for p in range(5))
    moved = reorder(text, random.Random(2))
    assert moved != text
    assert sorted(moved.replace("\n\n", " ").split(" ")) == sorted(
        text.replace("\n\n", " ").split(" ")
    )
