"""The warehouse's other typed reads and writes: the CLI's tables, story re-indexing, retries.

`Warehouse` inherits these, so callers outside warehouse/ never name a query.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Any, NamedTuple

import duckdb
import numpy as np

from common.sitelines import LineStats
from common.stories import StoryMerge
from warehouse.records import entity_id
from warehouse.sql import QUERIES, named_rows
from warehouse.staging import staged


class WarcProgress(NamedTuple):
    """Where a backfill of one archive file stands."""

    next_offset: int  # the first record not yet loaded starts here
    status: str  # running | done | failed
    counts: dict[str, int]  # records by what the scan did with them
    stored: int  # articles stored from the file


class StoryAssignment(NamedTuple):
    """Where re-indexing put one stored article."""

    article_key: str
    story_key: str
    text_hash: str
    copy_of: str | None
    copy_kind: str | None
    copy_score: float | None


class RetryItem(NamedTuple):
    """An item that failed before and may be fetched again."""

    url_key: str
    url: str
    source: str
    guid: str | None
    title: str | None


class Reads:
    """Reads the CLI and the pipeline need, and the story re-index's writes."""

    conn: duckdb.DuckDBPyConnection

    def transaction(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """Provided by Warehouse."""
        raise NotImplementedError

    def top_entities(self, days: int, topic: str | None, limit: int) -> list[dict[str, Any]]:
        """Top entities of the last `days` days (one topic, or all when None)."""
        return named_rows(self.conn, "top_entities", [days, topic, limit])

    def rising_entities(self, topic: str | None, days: int, limit: int) -> list[dict[str, Any]]:
        """Entities with more stories in the last 24 h than their `days`-day average."""
        return named_rows(self.conn, "rising_entities", [topic, days, limit])

    def story_list(self, copied_only: bool, limit: int) -> list[dict[str, Any]]:
        """Newest stories first (only those with copies when `copied_only`)."""
        return named_rows(self.conn, "story_list", [copied_only, limit])

    def story_totals(self) -> tuple[int, int]:
        """How many stories and articles the warehouse holds."""
        row = self.conn.execute(QUERIES["story_totals"]).fetchone()
        return (int(row[0]), int(row[1])) if row else (0, 0)

    def feeds_report(self) -> list[dict[str, Any]]:
        """Per source: last success and error, failing streak, items seen, stored, failed."""
        return named_rows(self.conn, "feeds_report")

    def due_retries(self, max_attempts: int, sources: Sequence[str]) -> list[RetryItem]:
        """Items of these sources that failed before and have attempts left."""
        rows = self.conn.execute(QUERIES["due_retries"], [max_attempts, list(sources)])
        return [RetryItem(*r) for r in rows.fetchall()]

    def sites_of_sources(self, sources: Sequence[str]) -> list[str]:
        """The sites the stored articles of `sources` landed on, after redirects."""
        return [
            r[0] for r in self.conn.execute(QUERIES["sites_of_sources"], [list(sources)]).fetchall()
        ]

    def site_lines(self, site: str) -> dict[str, LineStats]:
        """Every counted short line of one site: line hash -> the stories carrying it."""
        rows = self.conn.execute(QUERIES["site_lines_of"], [site]).fetchall()
        return {h: LineStats(n, frozenset(marks)) for h, n, marks in rows}

    def unindexed_articles(self, limit: int) -> list[tuple[str, str | None, str]]:
        """Articles stored before story detection existed, oldest first: key, title, text."""
        return self.conn.execute(QUERIES["unindexed_articles"], [limit]).fetchall()

    def rebucket_pending(self, limit: int) -> list[tuple[str, str | None, str, date | None]]:
        """Indexed articles queued for newer LSH buckets: key, title, text, index day."""
        return self.conn.execute(QUERIES["rebucket_pending"], [limit]).fetchall()

    def add_missing_buckets(
        self, buckets: Sequence[tuple[int, str, date]], done: Sequence[str]
    ) -> None:
        """Index the (bucket, article key, day) pairs not indexed yet and take the articles off
        the queue: one transaction, so an interrupted pass redoes only its last chunk."""
        with self.transaction() as conn:
            if buckets:
                names = ("bucket", "article_key", "day")
                dtypes = {"bucket": np.int64, "day": "datetime64[s]"}
                with staged(conn, "staged_rebuckets", names, buckets, dtypes):
                    conn.execute(QUERIES["insert_missing_buckets"])
            conn.execute(QUERIES["rebucket_done"], [list(done)])

    def assign_stories(
        self,
        assigned: Sequence[StoryAssignment],
        buckets: Sequence[tuple[int, str]],
        now: datetime,
        merges: Sequence[StoryMerge] = (),
    ) -> None:
        """Put re-indexed articles in their stories, index their buckets, refresh the stories
        they left or joined, merge the stories they bridge: one transaction. (The caller
        rebuilds the trend tables afterwards.)"""
        with self.transaction() as conn:
            conn.executemany(
                QUERIES["set_article_story"],
                [
                    [a.story_key, a.text_hash, a.copy_of, a.copy_kind, a.copy_score, a.article_key]
                    for a in assigned
                ],
            )
            self.add_story_buckets(conn, buckets, now.date())
            touched = sorted({a.story_key for a in assigned} | {a.article_key for a in assigned})
            conn.execute(QUERIES["refresh_stories"], [now, touched])
            conn.execute(QUERIES["drop_empty_stories"], [touched])
            self.merge_stories(conn, merges, now)

    @staticmethod
    def add_story_buckets(
        conn: duckdb.DuckDBPyConnection, buckets: Sequence[tuple[int, str]], day: Any
    ) -> None:
        """Provided by Warehouse."""
        raise NotImplementedError

    @staticmethod
    def merge_stories(
        conn: duckdb.DuckDBPyConnection,
        merges: Sequence[StoryMerge],
        now: datetime,
    ) -> None:
        """Provided by Warehouse."""
        raise NotImplementedError

    def linked_names(self, pairs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Those (name, label) pairs that a stored link already places."""
        if not pairs:
            return set()
        rows = self.conn.execute(
            QUERIES["links_of"], [[n for n, _ in pairs], [lbl for _, lbl in pairs]]
        ).fetchall()
        return {(n, lbl) for n, lbl, _ in rows}

    def stored_names(self, pairs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Those (name, label) pairs stored as entities under their own name."""
        if not pairs:
            return set()
        ids = {entity_id(*p): p for p in pairs}
        rows = self.conn.execute(QUERIES["existing_entities"], [list(ids)]).fetchall()
        return {ids[r[0]] for r in rows}

    def link_candidates(self, labels: Sequence[str]) -> list[tuple[str, str]]:
        """Latin-script entity names of these labels."""
        return self.conn.execute(QUERIES["link_candidates"], [list(labels)]).fetchall()

    def unlinked_cyrillic(self, labels: Sequence[str]) -> list[tuple[str, str]]:
        """Entities of these labels still named in Cyrillic only."""
        return self.conn.execute(QUERIES["unlinked_cyrillic"], [list(labels)]).fetchall()

    def warc_progress(self, path: str, window_key: str) -> WarcProgress | None:
        """How far a backfill of one archive file (for one date window) got, if it started."""
        row = self.conn.execute(QUERIES["warc_progress"], [path, window_key]).fetchone()
        if row is None:
            return None
        return WarcProgress(int(row[0]), str(row[1]), json.loads(row[2]), int(row[3]))

    def save_warc_progress(
        self,
        path: str,
        window_key: str,
        source: str,
        size: int,
        progress: WarcProgress,
        now: datetime,
        error: str | None = None,
    ) -> None:
        """Record where a backfill of one file stands (after the records before it loaded)."""
        self.conn.execute(
            QUERIES["save_warc_progress"],
            [
                path,
                window_key,
                source,
                size,
                progress.next_offset,
                progress.status,
                json.dumps(progress.counts, sort_keys=True),
                progress.stored,
                error,
                now,
            ],
        )

    def warc_files(self) -> list[dict[str, Any]]:
        """Every backfilled archive file with its progress, newest activity first."""
        rows = named_rows(self.conn, "warc_files")
        for r in rows:
            r["counts"] = json.loads(r["counts"])
        return rows
