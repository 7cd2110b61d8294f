"""Russian morphology through pymorphy3: lemmas for matching, nominative forms for names."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_OBLIQUE = frozenset({"gent", "gen2", "datv", "accs", "ablt", "loct", "loc2"})
_NAME_TAGS = ("Surn", "Name", "Patr")
# Words this short or in capitals are acronyms or initials: they do not decline in text.
_MIN_DECLINABLE = 3


def has_cyrillic(text: str) -> bool:
    """Whether a text has any Cyrillic letter."""
    return _CYRILLIC.search(text) is not None


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    """The pymorphy3 analyser, built once per process (its dictionaries take ~0.1 s)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def _parses(word: str) -> tuple[Any, ...]:
    """pymorphy3's analyses of a lower-case word (news repeats words: the cache pays)."""
    return tuple(_analyzer().parse(word))


def fold(word: str) -> str:
    """A word as morphology keys it: lower case, ё as е."""
    return word.casefold().replace("ё", "е")


@lru_cache(maxsize=200_000)
def lemmas(word: str) -> frozenset[str]:
    """Every lemma a word form may have ("Токаеву" -> {"токаев", "токаева"}); others as is."""
    w = fold(word)
    if not has_cyrillic(w):
        return frozenset({w})
    return frozenset({fold(p.normal_form) for p in _parses(w)} | {w})


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The likeliest lemma of a word form ("коллективной" -> "коллективный")."""
    w = fold(word)
    if not has_cyrillic(w):
        return w
    found = _parses(w)
    return fold(found[0].normal_form) if found else w


def _shape(word: str, like: str) -> str:
    """`word` in the letter case of `like` (Title, UPPER or lower)."""
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))
    return word


def _inflect(parse: Any, grams: set[str]) -> str | None:
    """A parse inflected to these grammemes, or None where pymorphy3 cannot."""
    form = parse.inflect(grams)
    return str(form.word) if form is not None else None


def _of_gender(parse: Any, gender: str) -> bool:
    """Whether a parse is of this gender (surnames like "Шойгу" are common gender)."""
    return gender in parse.tag or "ms-f" in parse.tag


def _person_word(word: str, gender: str | None) -> tuple[str, str | None]:
    """One word of a person's name in the nominative, and the gender it showed.

    Masculine is tried first: "Токаева" is far likelier Tokayev's genitive than a woman's name
    in news; a name the dictionary does not know is kept as written, not guessed at.
    """
    w = fold(word)
    if len(w) < _MIN_DECLINABLE or word.isupper():
        return word, gender
    named = [p for p in _parses(w) if any(t in p.tag for t in _NAME_TAGS)]
    for g in (gender,) if gender else ("masc", "femn"):
        if any(p.tag.case == "nomn" and _of_gender(p, g) for p in named):
            return word, g
        for p in named:
            if p.tag.case in _OBLIQUE and p.tag.number == "sing" and _of_gender(p, g):
                out = _inflect(p, {"nomn", "sing"})
                if out:
                    return _shape(out, word), g
    return word, gender


def person_nominative(words: Sequence[str]) -> str:
    """A person's name in the nominative ("Андрею Сердюкову" -> "Андрей Сердюков")."""
    gender: str | None = None
    out = []
    for word in words:
        parts = word.split("-")
        if len(parts) > 1 and all(parts):
            # "Касым-Жомарта": each part of a hyphenated name declines on its own.
            done = [_person_word(p, gender) for p in parts]
            out.append("-".join(d[0] for d in done))
            gender = gender or next((g for _, g in done if g), None)
        else:
            new, g = _person_word(word, gender)
            out.append(new)
            gender = gender or g
    return " ".join(out)


def _declined(
    word: str, pos: str, grams: set[str], keep_nominative: bool = False
) -> tuple[str, Any] | None:
    """A word of this part of speech in an oblique case, inflected; with the parse it became.

    With `keep_nominative` (its adjectives are nominative) a word that may be a nominative is
    kept: "силы" after "Миротворческие" is a nominative plural, not a genitive.
    """
    w = fold(word)
    if len(w) < _MIN_DECLINABLE or word.isupper() or not has_cyrillic(w):
        return None
    of_pos = [p for p in _parses(w) if pos == p.tag.POS]
    if keep_nominative:
        for p in of_pos:
            if p.tag.case == "nomn":
                return word, p
    for p in of_pos:
        if p.tag.case == "nomn":
            return word, p
        if p.tag.case in _OBLIQUE:
            form = p.inflect(grams | {"nomn", p.tag.number or "sing"})
            if form is not None:
                return _shape(str(form.word), word), form
    return None


def phrase_nominative(words: Sequence[str]) -> str:
    """A place or organisation name in the nominative: its first noun and the adjectives before
    it are declined, the words after it (genitive complements) kept ("Министерства обороны
    России" -> "Министерство обороны России")."""
    out = list(words)
    head = next(
        (i for i, w in enumerate(words) if any(p.tag.POS == "NOUN" for p in _parses(fold(w)))),
        None,
    )
    if head is None:
        return " ".join(out)
    nominative_adjectives = head > 0 and all(
        any(p.tag.case == "nomn" for p in _parses(fold(w)) if p.tag.POS == "ADJF")
        for w in words[:head]
    )
    noun = _declined(words[head], "NOUN", set(), nominative_adjectives)
    if noun is None:
        return " ".join(out)
    out[head] = noun[0]
    agree = {g for g in (noun[1].tag.gender, noun[1].tag.number) if g}
    if noun[1].tag.number == "plur":
        agree.discard(noun[1].tag.gender)  # Russian plural adjectives have no gender
    for i in range(head):
        adj = _declined(words[i], "ADJF", agree)
        if adj is not None:
            out[i] = adj[0]
    return " ".join(out)


def same_word(a: str, b: str) -> bool:
    """Whether two Cyrillic word forms may be one word ("Зася" and "Зась", "Токаеву" and
    "Токаев"); words in other scripts must be equal, case aside."""
    if fold(a) == fold(b):
        return True
    return has_cyrillic(a) and has_cyrillic(b) and bool(lemmas(a) & lemmas(b))


def only_adjective(word: str) -> bool:
    """Whether a Cyrillic word can only be an adjective ("Казахстанские"), never a name."""
    found = _parses(fold(word)) if has_cyrillic(word) else ()
    return bool(found) and all(p.tag.POS in ("ADJF", "ADJS") for p in found)


def lemma_key(words: Sequence[str]) -> tuple[str, ...]:
    """The likeliest lemma of each word: how topic phrases and aliases are compared."""
    return tuple(lemma(w) for w in words)
