"""A sense-blind spinner for Russian, built the way Russian "синонимайзер" tools work.

Each chosen word is reduced to its dictionary form (pymorphy3), looked up in a thesaurus, and
replaced by any synonym of any sense, put back into the original word's case, number, tense and
person when pymorphy3 can inflect it and left in dictionary form when it cannot (as cheap tools
do). Names are fair game where the thesaurus lists them; numbers and a short list of function
words are left alone.

The thesaurus is the Russian Wiktionary thesaurus that the PyPI package `wiki-ru-wordnet` ships
as an SQLite file (MIT licence; newswatch's dev extra installs it).
"""

from __future__ import annotations

import importlib.resources
import random
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bench.wordnet_spinner import SpinResult, cased

_WORD = re.compile(r"[A-Za-zА-Яа-яЁё0-9]+(?:-[A-Za-zА-Яа-яЁё0-9]+)*")
_CYRILLIC = re.compile(r"^[А-Яа-яЁё-]+$")
# What such tools leave alone: prepositions, conjunctions, particles and pronouns. Our own list.
_KEEP = frozenset(
    (
        *("и", "в", "во", "не", "на", "с", "со", "что", "как", "а", "но", "или", "к", "ко"),
        *("по", "из", "у", "о", "об", "от", "до", "за", "для", "же", "ли", "бы", "это"),
        *("он", "она", "оно", "они", "я", "мы", "вы", "ты", "его", "ее", "её", "их"),
        *("был", "была", "было", "были", "быть", "при", "под", "над", "без", "так"),
    )
)
# Grammemes a replacement is inflected to, when the original carries them.
_INFLECT = ("case", "number", "gender", "tense", "person")


def thesaurus_path() -> Path:
    """Where wiki-ru-wordnet keeps its SQLite thesaurus."""
    return Path(str(importlib.resources.files("wiki_ru_wordnet") / "database" / "wikiwordnet.db"))


@cache
def load_synonyms(path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Dictionary form -> every other lemma of every synset it belongs to (lower case)."""
    groups: dict[int, list[str]] = defaultdict(list)
    with sqlite3.connect(path or thesaurus_path()) as db:
        for synset, lemma in db.execute("SELECT synset_id, lemma FROM synsets"):
            groups[synset].append(lemma.casefold().strip())
    out: dict[str, set[str]] = defaultdict(set)
    for lemmas in groups.values():
        distinct = set(lemmas)
        if len(distinct) > 1:
            for lemma in distinct:
                out[lemma] |= distinct - {lemma}
    return {k: tuple(sorted(v)) for k, v in out.items()}


@cache
def _morph() -> Any:
    """pymorphy3's analyser (loaded once: its dictionaries take a second)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@dataclass
class RussianSpinner:
    """Replaces a share of a Russian text's words with thesaurus synonyms of any sense."""

    synonyms: dict[str, tuple[str, ...]]

    @classmethod
    def load(cls) -> RussianSpinner:
        """A spinner over wiki-ru-wordnet's thesaurus."""
        return cls(load_synonyms())

    def spin(self, text: str, rate: float, rng: random.Random) -> SpinResult:
        """The text with about `rate` of its words replaced by inflected synonyms."""
        matches = list(_WORD.finditer(text))
        slots: list[tuple[int, Any, tuple[str, ...]]] = []
        for i, m in enumerate(matches):
            word = m.group()
            if word.casefold() in _KEEP or not _CYRILLIC.match(word):
                continue
            parse = _morph().parse(word)[0]
            options = self.synonyms.get(parse.normal_form)
            if options:
                slots.append((i, parse, options))
        budget = round(rate * len(matches))
        rng.shuffle(slots)
        chosen = sorted(slots[:budget], key=lambda s: s[0])
        out: list[str] = []
        pos = 0
        for i, parse, options in chosen:
            m = matches[i]
            out.append(text[pos : m.start()])
            out.append(cased(inflected(rng.choice(options), parse), m.group()))
            pos = m.end()
        out.append(text[pos:])
        return SpinResult("".join(out), len(chosen) / len(matches) if matches else 0.0)


def inflected(lemma: str, original: Any) -> str:
    """The synonym in the original word's form where pymorphy3 can make it, else as listed."""
    if " " in lemma:
        return lemma
    wanted = {g for g in (getattr(original.tag, name) for name in _INFLECT) if g}
    for parse in _morph().parse(lemma)[:1]:
        form = parse.inflect(wanted)
        if form is not None:
            return str(form.word)
    return lemma
