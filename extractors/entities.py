"""Named entities: a topic gazetteer ahead of spaCy's NER, then normalisation to canonical names."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from extractors.morph import has_cyrillic, same_word

if TYPE_CHECKING:
    from spacy.language import Language

    from extractors.config import GazetteerEntry, NlpSettings

# Pipes of the English pipelines that NER does not need: loading them only costs time.
NON_NER_PIPES = (
    "tagger",
    "morphologizer",
    "parser",
    "attribute_ruler",
    "lemmatizer",
    "senter",
    "textcat",
    "entity_linker",
)

# Titles and honorifics are not part of a name ("President Tokayev" is Tokayev).
_TITLES = re.compile(
    r"^(?:(?:the|former|ex-|acting|deputy|vice|first|general|colonel|lieutenant|major|"
    r"president|prime|minister|foreign|defen[cs]e|secretary|secretary-general|chairman|"
    r"chair|leader|head|commander|spokesman|spokeswoman|ambassador|mr|mrs|ms|dr|gen|col|"
    r"sen|rep|gov|sir|kazakh|russian|belarusian|armenian|president-elect)\.?\s+)+",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_EDGE_JUNK = re.compile(r"^[\W_]+|[\W_]+$")
_SPACES = re.compile(r"\s+")
# Surface forms kept per entity and text: enough to show its inflections, not a concordance.
MAX_FORMS = 8


@dataclass(frozen=True)
class Span:
    """An entity a pipeline found: its normal form, label, the text as written and any alias."""

    name: str
    label: str
    surface: str
    alias_of: str | None = None  # canonical name of the topic alias it matched


@dataclass(frozen=True)
class Mention:
    """An entity mentioned in one text, under its canonical name."""

    name: str
    label: str
    count: int
    forms: tuple[str, ...] = ()  # how the text wrote it, first seen first


def normalise_name(surface: str) -> str:
    """A surface form without titles, possessive, edge punctuation and extra spaces."""
    name = _SPACES.sub(" ", surface).strip()
    name = _POSSESSIVE.sub("", name)
    name = _EDGE_JUNK.sub("", name)
    stripped = _TITLES.sub("", name)
    # Keep the original if the "title" was the whole name (e.g. an ORG called "Defence").
    return stripped if stripped else name


def _key(name: str) -> str:
    """Case- and hyphen-insensitive lookup key for a name."""
    return _SPACES.sub(" ", name.replace("-", " ")).strip().casefold()


class Gazetteer:
    """Canonical names, labels and aliases of the entities topics care about."""

    def __init__(self, entries: Iterable[GazetteerEntry]) -> None:
        self.canonical: dict[str, tuple[str, str]] = {}
        self.patterns: list[dict[str, Any]] = []
        for entry in entries:
            for form in (entry.name, *entry.aliases):
                self.canonical.setdefault(_key(form), (entry.name, entry.label))
                self.patterns.append({"label": entry.label, "pattern": form, "id": entry.name})

    def resolve(self, name: str) -> tuple[str, str] | None:
        """(canonical name, label) for a known name or alias."""
        return self.canonical.get(_key(name))


def _plausible_name(name: str) -> bool:
    """Whether an NER span looks like a proper name ("ministry" or "2,500" do not)."""
    letters = [c for c in name if c.isalpha()]
    # Names start upper-case in cased scripts; NER's lower-case spans are common nouns.
    return len(letters) >= 2 and not (name[0].isalpha() and name[0].islower())


def _merge_variants(found: list[tuple[str, str]]) -> list[tuple[str, str] | None]:
    """Unify case variants ("MOSCOW" in a heading, "Moscow" in text) and labels within a text.

    The form and label used most often win; shouting headline words with no ordinary-case
    form in the text ("A SWIPE AT ...") become None.
    """
    groups: dict[str, Counter[tuple[str, str]]] = {}
    for name, label in found:
        groups.setdefault(name.casefold(), Counter())[(name, label)] += 1
    best: dict[str, tuple[str, str] | None] = {}
    for key, variants in groups.items():
        ordered = sorted(variants.items(), key=lambda kv: (_shouting(kv[0][0]), -kv[1]))
        name = ordered[0][0][0]
        labels = Counter[str]()
        for (_, label), n in variants.items():
            labels[label] += n
        best[key] = None if _shouting(name) else (name, labels.most_common(1)[0][0])
    return [best[n.casefold()] for n, _ in found]


def _shouting(name: str) -> bool:
    """All capitals and five letters or more: a headline word, not an acronym like CSTO or NATO."""
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 5 and all(c.isupper() for c in letters)


def _resolve_short_forms(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Map a short form ("Tokayev", "Зася") to the full name used in the same text.

    Russian surnames decline, so "Зася" finds "Станислав Зась" through their lemmas.
    """
    people = {n for n, lbl in found if lbl == "PERSON" and " " in n}
    by_last: dict[str, set[str]] = {}
    for full in people:
        by_last.setdefault(full.rsplit(" ", 1)[-1].casefold(), set()).add(full)
    out = []
    for name, label in found:
        fulls: set[str] | None = None
        if " " not in name:
            fulls = by_last.get(name.casefold())
            if fulls is None and has_cyrillic(name):
                fulls = {f for last, fs in by_last.items() if same_word(last, name) for f in fs}
        # Only an unambiguous surname is resolved: two Aliyevs in one story stay apart.
        if fulls and len(fulls) == 1:
            out.append((next(iter(fulls)), "PERSON"))
        else:
            out.append((name, label))
    return out


class SpacyPipeline:
    """A spaCy model's NER behind the topic gazetteer's entity ruler."""

    def __init__(self, model: str, gazetteer: Gazetteer, settings: NlpSettings) -> None:
        self.name = model
        self.settings = settings
        self.nlp = load_pipeline(model)
        if gazetteer.patterns:
            ruler: Any = self.nlp.get_pipe("entity_ruler")
            ruler.add_patterns(gazetteer.patterns)
        else:
            # An empty ruler does nothing but warn (W036) on every batch.
            self.nlp.remove_pipe("entity_ruler")

    def extract(self, texts: Sequence[str]) -> list[list[Span]]:
        """Entities of each text, in input order; texts are processed in batches."""
        docs = self.nlp.pipe(
            texts, batch_size=self.settings.batch_size, n_process=self.settings.n_process
        )
        return [
            [Span(e.text, e.label_, e.text, alias_of=e.ent_id_ or None) for e in doc.ents]
            for doc in docs
        ]


class EntityExtractor:
    """Routes each text to its language's NER pipeline and returns canonical mentions.

    Pipelines load on first use, so a worker that never sees Russian never loads natasha.
    """

    def __init__(self, settings: NlpSettings, gazetteer: Iterable[GazetteerEntry] = ()) -> None:
        self.settings = settings
        self.entries = list(gazetteer)
        self.gazetteer = Gazetteer(self.entries)
        self.labels = set(settings.labels)
        self._pipelines: dict[str, Any] = {}

    def model_for(self, language: str | None) -> str | None:
        """The model that reads this language, or None when it gets no NER."""
        if language is None:
            return None
        return self.settings.models.get(language)

    def pipeline(self, language: str) -> Any:
        """The loaded pipeline of a language that has a model."""
        found = self._pipelines.get(language)
        if found is None:
            model = self.settings.models[language]
            if model == "natasha":
                from extractors.russian import NatashaPipeline

                aliases = [(a, e.name, e.label) for e in self.entries for a in (e.name, *e.aliases)]
                found = NatashaPipeline(aliases)
            else:
                found = SpacyPipeline(model, self.gazetteer, self.settings)
            self._pipelines[language] = found
        return found

    @property
    def nlp(self) -> Language:
        """The English spaCy pipeline (loaded on first use)."""
        return cast("SpacyPipeline", self.pipeline("en")).nlp

    def extract(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> list[list[Mention]]:
        """Mentions per text, in input order; a text in a language without a model gets none.

        Without `languages` every text is taken for English.
        """
        langs = list(languages) if languages is not None else ["en"] * len(texts)
        out: list[list[Mention]] = [[] for _ in texts]
        groups: dict[str, list[int]] = {}
        for i, lang in enumerate(langs):
            if self.model_for(lang) is not None:
                groups.setdefault(cast(str, lang), []).append(i)
        for lang, todo in groups.items():
            trimmed = [texts[i][: self.settings.max_chars] for i in todo]
            for i, spans in zip(todo, self.pipeline(lang).extract(trimmed), strict=True):
                out[i] = self._mentions(spans)
        return out

    def _mentions(self, spans: Iterable[Span]) -> list[Mention]:
        """Canonical mentions of one text's spans, with the forms each was written in."""
        found: list[tuple[str, str]] = []
        surfaces: list[str] = []
        for span in spans:
            if span.alias_of:
                canon = self.gazetteer.resolve(span.alias_of)
                if canon:
                    found.append(canon)
                    surfaces.append(span.surface)
                    continue
            if span.label not in self.labels:
                continue
            name = normalise_name(span.name)
            known = self.gazetteer.resolve(name)
            if known:
                found.append(known)
                surfaces.append(span.surface)
            elif _plausible_name(name):
                found.append((name, span.label))
                surfaces.append(span.surface)
        kept = [
            (m, s) for m, s in zip(_merge_variants(found), surfaces, strict=True) if m is not None
        ]
        merged = _resolve_short_forms([m for m, _ in kept])
        forms: dict[tuple[str, str], dict[str, None]] = {}
        for key, (_, surface) in zip(merged, kept, strict=True):
            forms.setdefault(key, {})[_SPACES.sub(" ", surface).strip()] = None
        counts = Counter(merged)
        return [
            Mention(n, lbl, c, tuple(list(forms[(n, lbl)])[:MAX_FORMS]))
            for (n, lbl), c in sorted(counts.items())
        ]


def load_pipeline(model: str) -> Language:
    """Load a spaCy model with only the NER pipes and an entity ruler ahead of NER."""
    import spacy

    try:
        nlp = spacy.load(model, exclude=list(NON_NER_PIPES))
    except OSError as exc:
        raise RuntimeError(
            f"spaCy model {model!r} is not installed; run `make install` or set nlp.models "
            f"(e.g. NEWSWATCH__NLP__MODELS__EN=en_core_web_sm): {exc}"
        ) from exc
    # Matching on lower-case text lets the gazetteer catch "csto" and "CSTO" alike.
    nlp.add_pipe(
        "entity_ruler",
        before="ner",
        config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True},
    )
    return nlp
