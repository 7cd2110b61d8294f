"""Russian morphology: names put in the nominative, words compared by lemma."""

import pytest

from extractors.morph import (
    lemma_key,
    only_adjective,
    person_nominative,
    phrase_nominative,
    same_word,
)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["Андрею", "Сердюкову"], "Андрей Сердюков"),
        (["Токаеву"], "Токаев"),
        (["Касым-Жомарта", "Токаева"], "Касым-Жомарт Токаев"),
        (["Владимира", "Путина"], "Владимир Путин"),
        (["Сергею", "Шойгу"], "Сергей Шойгу"),  # indeclinable surname kept
        (["Станислав", "Зась"], "Станислав Зась"),  # not in the dictionary: kept as written
        (["Карину", "Массимову"], "Карина Массимова"),  # a woman's name keeps its gender
    ],
)
def test_person_names_go_to_the_nominative(words, expected):
    assert person_nominative(words) == expected


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["Министерства", "обороны", "России"], "Министерство обороны России"),
        (["Республики", "Казахстан"], "Республика Казахстан"),
        (["Южной", "Корее"], "Южная Корея"),
        (["Евразийского", "экономического", "союза"], "Евразийский экономический союз"),
        (["Миротворческие", "силы"], "Миротворческие силы"),  # already nominative plural
        (["ОДКБ"], "ОДКБ"),
    ],
)
def test_places_and_organisations_decline_only_their_head(words, expected):
    assert phrase_nominative(words) == expected


def test_inflected_forms_are_one_word_and_other_words_are_not():
    assert same_word("Токаеву", "Токаев") and same_word("Зася", "Зась")
    assert not same_word("Путин", "Токаев")
    assert not same_word("Tokayev", "Tokayeva")  # Latin script is compared as written


def test_phrases_compare_by_lemma():
    assert lemma_key(["коллективной", "безопасности"]) == lemma_key(
        ["коллективная", "безопасность"]
    )


def test_adjectives_are_told_from_names():
    assert only_adjective("Казахстанские") and not only_adjective("Алматы")
