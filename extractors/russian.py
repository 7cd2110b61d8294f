"""Russian NER: natasha's news tagger, names in the nominative, topic aliases matched by lemma."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from extractors.entities import Span
from extractors.morph import (
    fold,
    has_cyrillic,
    lemmas,
    only_adjective,
    person_nominative,
    phrase_nominative,
)

# natasha tags PER, LOC and ORG; newswatch's labels are spaCy's. A place natasha finds is taken
# for a GPE (countries and cities are most of them in news); linking unites GPE and LOC.
LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE"}


class AliasIndex:
    """Topic aliases written in Cyrillic, found in text whatever their case ending."""

    def __init__(self, aliases: Iterable[tuple[str, str, str]]) -> None:
        """`aliases` are (alias, canonical name, label)."""
        from razdel import tokenize

        self.by_first: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        for alias, name, label in aliases:
            if not has_cyrillic(alias):
                continue
            words = tuple(fold(t.text) for t in tokenize(alias))
            self.by_first.setdefault(words[0][:3], []).append((words, name, label))
        for entries in self.by_first.values():
            entries.sort(key=lambda e: -len(e[0]))  # longest alias first

    def _word_matches(self, token: str, alias_word: str) -> bool:
        """Whether a text word is a form of an alias word ("Токаеву" of "Токаев")."""
        t = fold(token)
        if t == alias_word:
            return True
        return bool(lemmas(t) & lemmas(alias_word))

    def find(self, tokens: Sequence[Any]) -> list[tuple[int, int, str, str]]:
        """(first token, end token, canonical name, label) of each alias found, left to right."""
        found = []
        i = 0
        while i < len(tokens):
            # Only words sharing an alias word's first letters are analysed: the rest cost nothing.
            entries = self.by_first.get(fold(tokens[i].text)[:3], ())
            hit = None
            for words, name, label in entries:
                end = i + len(words)
                if end <= len(tokens) and all(
                    self._word_matches(tokens[i + k].text, w) for k, w in enumerate(words)
                ):
                    hit = (i, end, name, label)
                    break
            if hit:
                found.append(hit)
                i = hit[1]
            else:
                i += 1
        return found


class NatashaPipeline:
    """natasha's segmenter and news NER, with topic aliases taking precedence over its spans."""

    name = "natasha"

    def __init__(self, aliases: Iterable[tuple[str, str, str]] = ()) -> None:
        try:
            from natasha import NewsEmbedding, NewsNERTagger, Segmenter
        except ImportError as exc:  # pragma: no cover - natasha is a core dependency
            raise RuntimeError(f"natasha is not installed; run `make install`: {exc}") from exc
        self.segmenter = Segmenter()
        self.tagger = NewsNERTagger(NewsEmbedding())
        self.aliases = AliasIndex(aliases)

    def spans(self, text: str) -> list[Span]:
        """Entities of one text, in order."""
        from natasha import Doc

        doc = Doc(text)
        doc.segment(self.segmenter)
        doc.tag_ner(self.tagger)
        tokens = doc.tokens
        matched = self.aliases.find(tokens) if self.aliases.by_first else []
        taken = [(tokens[a].start, tokens[b - 1].stop) for a, b, _, _ in matched]
        out = []
        for (start, stop), (_, _, name, label) in zip(taken, matched, strict=True):
            # "Токаев" inside "Касым-Жомарт Токаев": the form shown is the whole name written.
            wider = [s for s in doc.spans if s.start <= start and stop <= s.stop]
            if wider:
                start, stop = wider[0].start, wider[0].stop
            out.append(Span(name, label, text[start:stop], alias_of=name))
        for span in doc.spans:
            if any(span.start < stop and start < span.stop for start, stop in taken):
                continue  # the topic's alias wins over the model's reading
            kind = LABELS.get(span.type)
            if kind is None:
                continue
            words = [t.text for t in span.tokens]
            if len(words) == 1 and only_adjective(words[0]):
                continue  # "Казахстанские силовики": natasha's LOC on an adjective
            name = person_nominative(words) if kind == "PERSON" else phrase_nominative(words)
            out.append(Span(name, kind, span.text))
        return out

    def extract(self, texts: Sequence[str]) -> list[list[Span]]:
        """Entities of each text."""
        return [self.spans(t) for t in texts]
