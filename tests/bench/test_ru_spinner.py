"""The sense-blind Russian spinner the story bench builds its Russian copies with."""

from __future__ import annotations

import random

from bench.ru_spinner import RussianSpinner, _morph, inflected

SPINNER = RussianSpinner.load()
TEXT = (
    "Глава государства сообщил в среду, что миротворческие силы начнут покидать страну через "
    "два дня. Об этом он заявил на заседании парламента в столице."
)


def test_synonyms_of_any_sense_come_from_the_thesaurus():
    assert "руководитель" in SPINNER.synonyms["глава"]
    assert "земля" in SPINNER.synonyms["страна"]


def test_a_replacement_takes_the_original_words_case_and_number():
    # "заседании" is prepositional singular: its synonym must be too.
    original = _morph().parse("заседании")[0]
    form = inflected("совещание", original)
    assert form == "совещании"
    assert inflected("съезд делегатов", original) == "съезд делегатов"  # phrases stay as listed


def test_spin_replaces_up_to_the_asked_share_and_leaves_function_words():
    out = SPINNER.spin(TEXT, 0.2, random.Random(2))
    assert out.text != TEXT
    assert 0.1 <= out.rate <= 0.25
    for word in (" в ", " что ", " на ", "Об этом он"):
        assert word in out.text
    assert SPINNER.spin(TEXT, 0.2, random.Random(2)).text == out.text  # same seed, same copy
