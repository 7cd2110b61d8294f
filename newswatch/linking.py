"""The load-time step that links Cyrillic entity names to the English coverage's names."""

from __future__ import annotations

from collections.abc import Sequence

from common.links import EntityLink
from extractors.config import NlpSettings
from extractors.linking import Candidates, Linker, territory_names
from extractors.morph import has_cyrillic, same_word
from newswatch.settings import Settings
from warehouse.records import ArticleRecord
from warehouse.store import Warehouse

# Labels whose names are linked across scripts (nationalities and events are not names).
LINKED_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC")
Pair = tuple[str, str]


def pinned_names(settings: Settings) -> frozenset[Pair]:
    """The topics' gazetteer entities: their own names always, whatever was linked before."""
    return frozenset((e.name, e.label) for t in settings.topics for e in t.gazetteer)


def topic_aliases(settings: Settings) -> list[tuple[str, str, str]]:
    """(alias, name, label) of every topic alias: spellings a Cyrillic name may link through."""
    return [(a, e.name, e.label) for t in settings.topics for e in t.gazetteer for a in e.aliases]


def _surname_rivals(links: list[EntityLink], people: set[str]) -> list[EntityLink]:
    """Drop lone-surname links when another person of that surname is known in Cyrillic and
    not linked to the same entity ("Сердюков" beside Андрей and Анатолий Сердюков)."""
    target_of = {lk.name: lk.target for lk in links if lk.label == "PERSON"}
    kept = []
    for lk in links:
        if lk.method == "surname" and not lk.rename:
            namesakes = {p for p in people if " " in p and same_word(p.rsplit(" ", 1)[-1], lk.name)}
            if any(target_of.get(p) != lk.target for p in namesakes):
                continue
        kept.append(lk)
    return kept


def linker(nlp: NlpSettings) -> Linker:
    """The linker with the configured thresholds."""
    return Linker(nlp.link_threshold, nlp.surname_link_threshold, nlp.name_link_threshold)


def link_entities(
    wh: Warehouse,
    records: Sequence[ArticleRecord],
    pinned: frozenset[Pair],
    linking: Linker,
    aliases: Sequence[tuple[str, str, str]] = (),
) -> list[EntityLink]:
    """New links for this batch's names.

    A Cyrillic name seen for the first time is linked to a Latin-script name of the warehouse
    or of this batch (or a country's English name). A Latin-script name seen for the first time
    may be the English name of an entity stored so far only in Cyrillic: that entity is linked
    to it and takes the English name, so it stays one entity whichever language came first.
    """
    pairs = [
        p for p in dict.fromkeys(p for r in records for p in r.mentions) if p[1] in LINKED_LABELS
    ]
    pairs = [p for p in pairs if p not in pinned]
    if not pairs:
        return []
    settled = wh.linked_names(pairs) | wh.stored_names(pairs)
    fresh = [p for p in pairs if p not in settled]
    cyrillic = [p for p in fresh if has_cyrillic(p[0])]
    latin = [p for p in fresh if not has_cyrillic(p[0])]
    links: list[EntityLink] = []
    if cyrillic:
        known = wh.link_candidates(LINKED_LABELS)
        places = [(n, "GPE") for n in territory_names()]
        pool = Candidates([*known, *latin, *pinned, *places], aliases)
        for name, label in cyrillic:
            found = linking.link(name, label, pool)
            if found is not None:
                links.append(found)
    # Stored Cyrillic-only entities matter to lone surnames and to new English names only.
    needs_stored = latin or any(lk.method == "surname" for lk in links)
    stored = wh.unlinked_cyrillic(LINKED_LABELS) if needs_stored else []
    people = {n for n, lbl in [*cyrillic, *stored] if lbl == "PERSON"}
    links = _surname_rivals(links, people)
    if latin:
        pool = Candidates(latin)
        taken: set[Pair] = set()
        for name, label in stored:
            if " " not in name and label == "PERSON":
                continue  # a lone stored surname may be anyone's: it is not renamed
            found = linking.link(name, label, pool)
            if found is None or (found.target, found.target_label) in taken:
                continue
            taken.add((found.target, found.target_label))
            reverse = EntityLink(
                found.target,
                found.target_label,
                name,
                label,
                found.method,
                found.score,
                found.evidence,
                rename=True,
            )
            links.append(reverse)
    return links
