"""Linking Cyrillic names to the Latin-script names of English coverage."""

import pytest

from extractors.linking import Candidates, Linker, fold_latin, territory_names

KNOWN = [
    ("Sergei Shoigu", "PERSON"),
    ("Andrei Serdyukov", "PERSON"),
    ("Anatoly Serdyukov", "PERSON"),
    ("Stanislav Zas", "PERSON"),
    ("Ilham Aliyev", "PERSON"),
    ("Heydar Aliyev", "PERSON"),
    ("Zhanaozen", "LOC"),
    ("Collective Security Treaty Organization", "ORG"),
    *((n, "GPE") for n in territory_names()),
]


@pytest.fixture(scope="module")
def pool() -> Candidates:
    return Candidates(KNOWN, aliases=[("Astana", "Nur-Sultan", "GPE")])


@pytest.mark.parametrize(
    ("name", "label", "target", "method"),
    [
        ("Сергей Шойгу", "PERSON", "Sergei Shoigu", "transliteration"),
        ("Шойгу", "PERSON", "Sergei Shoigu", "surname"),  # one known Shoigu
        ("Андрей Сердюков", "PERSON", "Andrei Serdyukov", "transliteration"),
        ("Анатолий Сердюков", "PERSON", "Anatoly Serdyukov", "transliteration"),
        ("Ильхам Алиев", "PERSON", "Ilham Aliyev", "transliteration"),
        ("Киргизия", "GPE", "Kyrgyzstan", "territory"),  # CLDR's Russian name
        ("Кыргызстан", "GPE", "Kyrgyzstan", "transliteration"),  # the local spelling
        ("Жанаозен", "GPE", "Zhanaozen", "transliteration"),  # GPE and LOC are one family
        ("Астана", "GPE", "Nur-Sultan", "transliteration"),  # through a topic alias
    ],
)
def test_names_link_to_their_english_entity(pool, name, label, target, method):
    link = Linker().link(name, label, pool)
    assert link is not None and (link.target, link.method) == (target, method)
    assert 0.85 <= link.score <= 1 and link.evidence


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Сердюков", "PERSON"),  # two known Serdyukovs: a lone surname is ambiguous
        ("Алиев", "PERSON"),
        ("Анатолий Шойгу", "PERSON"),  # same surname, another given name
        ("Иван Петров", "PERSON"),  # nobody known
        ("Шойгу", "ORG"),  # labels of another family never link
        ("Сергей Шойгу", "GPE"),
    ],
)
def test_no_link_below_the_threshold_or_between_people(pool, name, label):
    assert Linker().link(name, label, pool) is None


def test_latin_names_are_not_linked_and_diacritics_fold():
    assert Linker().link("Sergei Shoigu", "PERSON", Candidates(KNOWN)) is None
    assert fold_latin("Qasym-Jomart Toqaev") == "qasym jomart toqaev"
    assert fold_latin("Tokaýew Şoýgu") == "tokayew soygu"


def test_a_full_name_never_links_to_a_bare_surname():
    only_surname = Candidates([("Shoigu", "PERSON")])
    assert Linker().link("Сергей Шойгу", "PERSON", only_surname) is None
