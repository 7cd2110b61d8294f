"""Which entity each extracted name is stored under: its own, or the one a link points to."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import duckdb

from common.links import EntityLink
from warehouse.records import ArticleRecord, entity_id
from warehouse.sql import QUERIES
from warehouse.staging import columns

Pair = tuple[str, str]


def store_links(
    conn: duckdb.DuckDBPyConnection,
    links: Sequence[EntityLink],
    ids: dict[Pair, str],
    now: datetime,
) -> None:
    """Record new links (the first decision for a name stands), point each linked name at its
    target's entity in `ids` (resolved before, targets included), and rename the entities a
    Latin-script name was linked to, so analysts read the English name."""
    if not links:
        return
    rows = [
        (lk.name, lk.label, ids[(lk.target, lk.target_label)], lk.method, lk.score, lk.evidence)
        for lk in links
    ]
    conn.execute(QUERIES["insert_links"], [now, *columns(rows, 6)])
    for lk in links:
        target = ids[(lk.target, lk.target_label)]
        if (lk.name, lk.label) in ids:
            ids[(lk.name, lk.label)] = target
        if lk.rename:
            # The stored entity was named in Cyrillic; the English name now seen replaces it.
            conn.execute(QUERIES["rename_entity"], [target, lk.name])


def resolve(
    conn: duckdb.DuckDBPyConnection, pairs: Iterable[Pair], pinned: frozenset[Pair]
) -> dict[Pair, str]:
    """The entity id of each (name, label): a stored link's, else the hash of the name; a
    pinned name (a topic's) always its own."""
    given = list(dict.fromkeys(pairs))
    todo = [p for p in given if p not in pinned]
    linked: dict[Pair, str] = {}
    if todo:
        rows = conn.execute(
            QUERIES["links_of"], [[n for n, _ in todo], [lbl for _, lbl in todo]]
        ).fetchall()
        linked = {(n, lbl): eid for n, lbl, eid in rows}
    return {p: linked.get(p) or entity_id(*p) for p in given}


def add_forms(
    conn: duckdb.DuckDBPyConnection,
    fresh: Sequence[ArticleRecord],
    ids: dict[Pair, str],
    now: datetime,
) -> None:
    """Count how new articles wrote each entity, per language."""
    counts: dict[tuple[str, str, str], int] = {}
    for a in fresh:
        lang = a.language or ""
        for pair, forms in a.forms.items():
            eid = ids.get(pair)
            if eid is None:
                continue
            for form in dict.fromkeys(forms):
                key = (eid, lang, form)
                counts[key] = counts.get(key, 0) + 1
    if counts:
        rows = [(*k, n) for k, n in counts.items()]
        conn.execute(QUERIES["add_entity_forms"], [now, *columns(rows, 4)])
