"""How a load reaches DuckDB fast: row sets staged as NumPy relations, trend cells merged,
articles flattened to columns. Used by `Warehouse.load` only."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import duckdb
import numpy as np

from common.keys import to_utc_naive
from warehouse.records import ArticleRecord
from warehouse.sql import TREND_SQL


@contextmanager
def staged(
    conn: duckdb.DuckDBPyConnection,
    name: str,
    names: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    dtypes: dict[str, Any],
) -> Iterator[None]:
    """Expose rows to SQL as a relation `name` for one block. NumPy columns are scanned in
    place, where list parameters cost DuckDB about 1.5 microseconds per value to convert."""
    data = {
        col: np.array([r[i] for r in rows], dtype=dtypes.get(col, object))
        for i, col in enumerate(names)
    }
    conn.register(name, data)
    try:
        yield
    finally:
        conn.unregister(name)


def merge_cells(conn: duckdb.DuckDBPyConnection, table: str, bounds: dict[str, Any]) -> None:
    """Add a batch's staged cells to a trend table: the rows of the hours or days it touches
    are summed with the cells in a temporary table, deleted, and written back once each."""
    conn.execute(TREND_SQL[f"merge_{table}"], bounds)
    conn.execute(TREND_SQL[f"replace_{table}"], bounds)
    conn.execute(TREND_SQL[f"insert_merged_{table}"])


def event_time(a: ArticleRecord) -> datetime:
    """An article's event time, as the article_events view defines it (UTC, naive)."""
    fetched = to_utc_naive(a.fetched_at)
    published = to_utc_naive(a.published)
    assert fetched is not None
    return min(published, fetched) if published is not None else fetched


def hour_of(t: datetime) -> datetime:
    """The hour a time falls in."""
    return t.replace(minute=0, second=0, microsecond=0)


def columns(rows: Sequence[tuple[Any, ...]], width: int) -> list[list[Any]]:
    """Rows as one list per column: the parameters of a bulk `unnest` insert."""
    return [[r[i] for r in rows] for i in range(width)]


ARTICLE_COLUMNS = (
    "article_key",
    "url",
    "canonical_url",
    "source",
    "site",
    "title",
    "text",
    "published",
    "fetched_at",
    "language",
    "content_hash",
    "words",
    "run_id",
    "story_key",
    "text_hash",
    "copy_of",
    "copy_kind",
    "copy_score",
    "ner_model",
    "ner_skipped",
)
# Columns that are never NULL get NumPy types; the rest stay objects, so None stays NULL.
ARTICLE_TYPES = {"fetched_at": "M8[us]", "words": np.int32}


def article_row(a: ArticleRecord, run_id: str) -> tuple[Any, ...]:
    """The staged_articles row of one article (ARTICLE_COLUMNS)."""
    return (
        a.article_key,
        a.url,
        a.canonical_url,
        a.source,
        a.site,
        a.title,
        a.text,
        to_utc_naive(a.published),
        to_utc_naive(a.fetched_at),
        a.language,
        a.content_hash,
        a.words if a.words is not None else len(a.text.split()),
        run_id,
        a.story_key or a.article_key,
        a.text_hash,
        a.copy_of,
        a.copy_kind,
        a.copy_score,
        a.ner_model,
        a.ner_skipped,
    )


def add_trends(
    conn: duckdb.DuckDBPyConnection,
    fresh: Sequence[ArticleRecord],
    mentions: Sequence[tuple[str, str, int]],
) -> None:
    """Add new articles' counts to the trend tables (see migration 007)."""
    if not fresh:
        return
    by_key = {a.article_key: a for a in fresh}
    times = {k: event_time(a) for k, a in by_key.items()}
    hours = {k: hour_of(t) for k, t in times.items()}
    opens = {k: int((a.story_key or k) == k) for k, a in by_key.items()}
    entity_cells: dict[tuple[str, str, datetime], list[int]] = {}
    openers: dict[str, list[str]] = {}
    firsts: dict[str, tuple[datetime, str]] = {}
    for key, eid, count in mentions:
        for topic in ("", *by_key[key].topics):
            cell = entity_cells.setdefault((topic, eid, hours[key]), [0, 0, 0])
            cell[0] += 1
            cell[1] += count
            cell[2] += opens[key]
        if opens[key]:
            openers.setdefault(key, []).append(eid)
        seen = (times[key], key)
        if eid not in firsts or seen < firsts[eid]:
            firsts[eid] = seen
    source_cells: dict[tuple[str, datetime], list[int]] = {}
    for key, a in by_key.items():
        cell = source_cells.setdefault((a.source, hours[key]), [0, 0])
        cell[0] += 1
        cell[1] += opens[key]
    touched = sorted(set(hours.values()))
    days = sorted({h.date() for h in touched})
    by_hour = {"lo": touched[0], "hi": touched[-1], "hours": touched}
    by_day = {"lo": days[0], "hi": days[-1], "days": days}
    if entity_cells:
        names = ("topic", "entity_id", "hour", "articles", "mentions", "stories")
        rows = [(*k, *v) for k, v in entity_cells.items()]
        types = {"hour": "M8[us]", **{n: np.int32 for n in names[3:]}}
        with staged(conn, "staged_entity_cells", names, rows, types):
            merge_cells(conn, "entity_hours", by_hour)
            merge_cells(conn, "entity_days", by_day)
        totals: dict[str, list[int]] = {}
        for (topic, eid, _), (n_articles, n_mentions, n_stories) in entity_cells.items():
            if topic == "":
                t = totals.setdefault(eid, [0, 0, 0])
                t[0] += n_articles
                t[1] += n_mentions
                t[2] += n_stories
        cols = columns([(eid, *t) for eid, t in totals.items()], 4)
        conn.execute(
            TREND_SQL["add_entity_totals"],
            {
                "entity_ids": cols[0],
                "articles": cols[1],
                "mentions": cols[2],
                "stories": cols[3],
            },
        )
    if openers:
        conn.execute(
            TREND_SQL["insert_story_entities"],
            {
                "story_keys": list(openers),
                "hours": [hours[k] for k in openers],
                "entity_lists": list(openers.values()),
            },
        )
    if firsts:
        conn.execute(
            TREND_SQL["merge_first_seen"],
            {
                "entity_ids": list(firsts),
                "times": [t for t, _ in firsts.values()],
                "article_keys": [k for _, k in firsts.values()],
            },
        )
    source_names = ("source", "hour", "articles", "stories")
    rows = [(*k, *v) for k, v in source_cells.items()]
    types = {"hour": "M8[us]", "articles": np.int32, "stories": np.int32}
    with staged(conn, "staged_source_cells", source_names, rows, types):
        merge_cells(conn, "source_hours", by_hour)
