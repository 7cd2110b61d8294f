"""The DuckDB warehouse: versioned schema, idempotent loads and the reads the pipeline needs.

Records live in warehouse/records.py, the SQL in warehouse/sql/ (loaded by warehouse/sql.py),
the fast staging of row sets in warehouse/staging.py; this module is the `Warehouse` itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import numpy as np

from common.keys import utcnow
from common.sitelines import LineStats, add_carrier
from common.stories import StoryMerge
from warehouse.alert_store import AlertStore
from warehouse.names import add_forms, resolve, store_links
from warehouse.reads import Reads
from warehouse.records import (
    ARRIVALS_LIMIT,
    ArticleRecord,
    LoadBatch,
    LoadStats,
    SourcePoll,
    SourceState,
    entity_id,
)
from warehouse.sql import QUERIES, TREND_SQL, migrations, named_rows, sql_file
from warehouse.staging import (
    ARTICLE_COLUMNS,
    ARTICLE_TYPES,
    add_trends,
    article_row,
    columns,
    staged,
)

# The migration that added the trend tables: crossing it fills them from the base tables.
_TREND_TABLES_VERSION = 7
# The migration that added the search index: crossing it indexes the stored articles.
_SEARCH_INDEX_VERSION = 12


# No connection of newswatch's fetches or loads an extension by itself: a statement naming a
# URL would otherwise make DuckDB download httpfs and then fetch that URL, outside the SSRF
# guard. Everything newswatch uses (parquet, json, icu) is built in.
NO_AUTOLOAD: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
# Nor is any installed on a confined connection.
CONFINED_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    **NO_AUTOLOAD,
    "allow_community_extensions": False,
}


def confine(conn: duckdb.DuckDBPyConnection) -> None:
    """Let `conn` reach no file but its own database, and lock its settings.

    The database enforces this, not a filter on statement text: with external access off,
    every file read or write (read_csv, glob, COPY ... TO, EXPORT, ATTACH, INSTALL/LOAD)
    fails however the statement is wrapped, and the locked configuration keeps a statement
    from turning access back on.
    """
    conn.execute("SET enable_external_access = false")
    conn.execute("SET lock_configuration = true")


class WarehouseError(Exception):
    """The warehouse file cannot be opened or used."""


def follow_merges(
    conn: duckdb.DuckDBPyConnection, records: list[ArticleRecord]
) -> list[ArticleRecord]:
    """The records, each placed in the story its story key was merged into, if it was."""
    keys = sorted({r.story_key for r in records if r.story_key})
    if not keys:
        return records
    moved = dict(conn.execute(QUERIES["merged_into"], [keys]).fetchall())
    if not moved:
        return records
    return [
        replace(r, story_key=moved[r.story_key]) if r.story_key in moved else r for r in records
    ]


class Warehouse(AlertStore, Reads):
    """A DuckDB file with newswatch's schema; one writer process at a time."""

    # A fault-injection point for the crash tests: called with "written" when a load's rows
    # are in its open transaction and with "committed" after the commit. None in production.
    load_hook: ClassVar[Callable[[str], None] | None] = None

    def __init__(
        self, path: Path | str, *, read_only: bool = False, confined: bool = False
    ) -> None:
        """Open `path`; `confined` (read-only only) for connections that run analysts' SQL."""
        self.path = Path(path)
        if confined and not read_only:
            raise ValueError("only a read-only warehouse can be confined")
        if read_only and not self.path.exists():
            raise WarehouseError(f"{self.path}: no warehouse here yet; run `newswatch run --once`")
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = duckdb.connect(
                str(self.path),
                read_only=read_only,
                config=CONFINED_CONFIG if confined else NO_AUTOLOAD,
            )
            if confined:
                confine(self.conn)
        except duckdb.Error as exc:
            raise WarehouseError(f"{self.path}: cannot open DuckDB file: {exc}") from exc
        if not read_only:
            self.migrate()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run a block atomically: all of it lands or none."""
        self.conn.execute("BEGIN TRANSACTION")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def schema_version(self) -> int:
        """The highest migration applied."""
        row = self.conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
        return int(row[0]) if row else 0

    def migrate(self) -> None:
        """Apply pending migrations, each in its own transaction, then refresh views."""
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version "
            "(version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"
        )
        current = self.schema_version()
        for version, sql in migrations():
            if version <= current:
                continue
            with self.transaction() as conn:
                conn.execute(sql)
                conn.execute("INSERT INTO schema_version VALUES (?, ?)", [version, utcnow()])
        self.conn.execute(sql_file("views.sql"))
        if 0 < current < _TREND_TABLES_VERSION <= self.schema_version():
            self.rebuild_trends()
        if 0 < current < _SEARCH_INDEX_VERSION <= self.schema_version():
            self.rebuild_search_index()

    def rebuild_trends(self) -> None:
        """Recompute the trend tables from articles, mentions and topics (one transaction)."""
        with self.transaction() as conn:
            for name in (
                "rebuild_clear",
                "rebuild_entity_hours",
                "rebuild_entity_days",
                "rebuild_story_entities",
                "rebuild_source_hours",
                "rebuild_first_seen",
                "rebuild_entity_totals",
            ):
                conn.execute(TREND_SQL[name])

    def rebuild_search_index(self) -> None:
        """Index every stored article for search again (one transaction)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM article_terms; DELETE FROM article_docs")
            # The load-time statement, over every article instead of a batch.
            conn.execute("CREATE TEMP VIEW staged_articles AS SELECT * FROM articles")
            try:
                conn.execute(QUERIES["insert_article_terms"])
            finally:
                conn.execute("DROP VIEW temp.staged_articles")

    def query(self, name: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a named query and fetch all rows."""
        return self.conn.execute(QUERIES[name], list(params)).fetchall()

    def query_dicts(self, name: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run a named query and return rows as dicts."""
        return named_rows(self.conn, name, params)

    def source_state(self, name: str) -> SourceState | None:
        """The remembered state of one source, or None if never polled."""
        rows = self.query("source_state", [name])
        if not rows:
            return None
        r = rows[0]
        health = self.query("source_health", [name])
        h = health[0] if health else (0, 0, None, None, None, None, False, False)
        arrivals = tuple(a for (a,) in self.query("source_arrivals", [name, ARRIVALS_LIMIT]))
        return SourceState(
            name=r[0],
            etag=r[3],
            last_modified=r[4],
            content_hash=r[5],
            last_success=r[7],
            last_error=r[8],
            consecutive_failures=r[10],
            items_seen=r[11],
            polls=int(h[0]),
            not_modified=int(h[1]),
            failing_since=h[2],
            interval_minutes=h[3],
            next_poll_at=h[4],
            ttl_minutes=h[5],
            validated_since_change=bool(h[6]),
            lying_validators=bool(h[7]),
            arrivals=arrivals,
        )

    def feed_health(self, now: datetime | None = None) -> list[dict[str, Any]]:
        """Every polled source's schedule and counters (items per day over 7 days to `now`)."""
        return self.query_dicts("feed_health_report", [now or utcnow()])

    def settled(self, url_keys: Sequence[str], max_attempts: int) -> set[str]:
        """The keys among `url_keys` that need no more work."""
        if not url_keys:
            return set()
        return {r[0] for r in self.query("settled_items", [list(url_keys), max_attempts])}

    def site_line_counts(self, site: str, hashes: Sequence[str]) -> dict[str, LineStats]:
        """How many unrelated stored stories of `site` carry each line hash (and their marks)."""
        if not hashes:
            return {}
        rows = self.query("site_line_counts", [site, list(hashes)])
        return {h: LineStats(n, frozenset(marks)) for h, n, marks in rows}

    @staticmethod
    def _count_site_lines(conn: duckdb.DuckDBPyConnection, fresh: Sequence[ArticleRecord]) -> None:
        """Count new articles' short lines per site: articles, and unrelated stories (versions
        of one story count once). Only articles new to the warehouse count, so re-runs are
        no-ops; a line repeated within one article counts once."""
        carried: dict[tuple[str, str], list[Any]] = {}
        for a in fresh:
            for h, line in a.site_lines if a.site else ():
                entry = carried.setdefault((a.site or "", h), [0, line, []])
                entry[0] += 1
                entry[2].append(frozenset(a.site_marks))
        if not carried:
            return
        keys = sorted(carried)
        stored = {
            (site, h): LineStats(n, frozenset(marks))
            for site, h, n, marks in conn.execute(
                QUERIES["site_line_stats"], [[k[0] for k in keys], [k[1] for k in keys]]
            ).fetchall()
        }
        rows = []
        for key in keys:
            n, line, carriers = carried[key]
            stats = stored.get(key)
            for marks in carriers:
                stats = add_carrier(stats, marks)
            assert stats is not None
            rows.append((*key, n, line, stats.stories, sorted(stats.marks)))
        conn.execute(QUERIES["add_site_line"], columns(rows, 6))

    def start_run(self, run_id: str) -> None:
        """Record that a run began."""
        self.conn.execute(QUERIES["start_run"], [run_id, utcnow()])

    def finish_run(self, run_id: str, status: str, counts: dict[str, Any], seconds: float) -> None:
        """Record a run's end and its counts."""
        keys = [
            "sources_polled",
            "feed_errors",
            "entries_seen",
            "new_items",
            "fetched",
            "failed",
            "rejected",
            "offtopic",
            "stored",
            "mentions",
            "new_entities",
        ]
        values = [int(counts.get(k, 0)) for k in keys]
        self.conn.execute(
            QUERIES["finish_run"],
            [utcnow(), status, *values, seconds, counts.get("error"), run_id],
        )

    def load(self, batch: LoadBatch) -> LoadStats:
        """Write a batch atomically and idempotently; return what was new."""
        now = utcnow()
        with self.transaction() as conn:
            keys = [a.article_key for a in batch.articles]
            existing = {r[0] for r in conn.execute(QUERIES["existing_articles"], [keys]).fetchall()}
            # One record per key (the first), so each bulk insert has unique keys.
            fresh = list(
                {
                    a.article_key: a
                    for a in reversed(batch.articles)
                    if a.article_key not in existing
                }.values()
            )[::-1]
            # An article decided before a merge it did not see lands in the survivor.
            fresh = follow_merges(conn, fresh)
            # Resolved once per distinct name: a batch repeats the same few thousand names.
            targets = [(lk.target, lk.target_label) for lk in batch.links]
            pairs = list(dict.fromkeys([*(p for a in fresh for p in a.mentions), *targets]))
            ids = resolve(conn, pairs, batch.pinned)
            store_links(conn, batch.links, ids, now)
            known = {
                r[0]
                for r in conn.execute(
                    QUERIES["existing_entities"], [list(set(ids.values()))]
                ).fetchall()
            }
            # An entity is created under its own name, not under a name linked to it.
            created: dict[str, tuple[str, str, str]] = {}
            for (n, lbl), eid in ids.items():
                if eid not in known and (eid not in created or eid == entity_id(n, lbl)):
                    created[eid] = (eid, n, lbl)
            new_entities = list(created.values())
            # Each table is written with one statement of column lists: DuckDB runs executemany
            # row by row, which made a 200-article load take seconds instead of a tenth of one.
            if fresh:
                rows = [article_row(a, batch.run_id) for a in fresh]
                with staged(conn, "staged_articles", ARTICLE_COLUMNS, rows, ARTICLE_TYPES):
                    conn.execute(QUERIES["insert_article"])
                    conn.execute(QUERIES["insert_article_terms"])
                topics = [
                    (a.article_key, t, list(terms)) for a in fresh for t, terms in a.topics.items()
                ]
                if topics:
                    conn.execute(QUERIES["insert_topic_match"], columns(topics, 3))
            if new_entities:
                conn.execute(QUERIES["insert_entity"], columns(new_entities, 3))
            # Two names of one article may now be one entity ("Шойгу" and "Sergei Shoigu").
            per_article: dict[tuple[str, str], int] = {}
            for a in fresh:
                for key, count in a.mentions.items():
                    cell = (a.article_key, ids[key])
                    per_article[cell] = per_article.get(cell, 0) + count
            mention_rows = [(k, e, n) for (k, e), n in per_article.items()]
            add_forms(conn, fresh, ids, now)
            if mention_rows:
                # Only articles new to the warehouse get mentions here: no row can conflict.
                names = ("article_key", "entity_id", "count")
                with staged(conn, "staged_mentions", names, mention_rows, {"count": np.int32}):
                    conn.execute(QUERIES["insert_mention"])
            # After the batch's own mentions: an exact copy's original may be in this batch.
            copies = [
                (a.article_key, a.mentions_from)
                for a in fresh
                if a.mentions_from and not a.mentions
            ]
            copied: list[tuple[str, str, int]] = []
            if copies:
                params = {"copies": [c for c, _ in copies], "originals": [o for _, o in copies]}
                copied = conn.execute(QUERIES["copy_mentions"], params).fetchall()
            self._index_stories(conn, fresh, now)
            add_trends(conn, fresh, [*mention_rows, *copied])
            self.merge_stories(conn, batch.merges, now)
            self._count_site_lines(conn, fresh)
            if batch.outcomes:
                # The last outcome of a URL in the batch stands, as if applied in order.
                latest = {o.url_key: o for o in batch.outcomes}
                seen = [
                    (
                        o.url_key,
                        o.url,
                        o.source,
                        o.guid,
                        o.title,
                        now,
                        now,
                        o.status,
                        o.reason,
                        o.article_key,
                    )
                    for o in latest.values()
                ]
                conn.execute(QUERIES["upsert_seen_item"], columns(seen, 10))
                done = [o.url_key for o in batch.outcomes if o.status != "failed"]
                if done:
                    conn.execute(QUERIES["resolve_errors"], [now, done])
            if batch.resolved:
                conn.execute(QUERIES["resolve_errors"], [now, batch.resolved])
            if batch.errors:
                conn.executemany(
                    QUERIES["record_error"],
                    [
                        (
                            e.url_key,
                            e.stage,
                            e.url,
                            e.source,
                            e.reason,
                            e.status_code,
                            e.retryable,
                            now,
                            now,
                            batch.run_id,
                        )
                        for e in batch.errors
                    ],
                )
            for poll in batch.polls:
                self._record_poll(conn, poll, now)
            if Warehouse.load_hook is not None:
                Warehouse.load_hook("written")
        if Warehouse.load_hook is not None:
            Warehouse.load_hook("committed")
        return LoadStats(len(fresh), len(new_entities), len(mention_rows) + len(copied))

    @staticmethod
    def add_story_buckets(
        conn: duckdb.DuckDBPyConnection, buckets: Sequence[tuple[int, str]], day: date
    ) -> None:
        """Index (LSH bucket, article key) pairs, as of a day, in one statement."""
        if buckets:
            names = ("bucket", "article_key")
            with staged(conn, "staged_buckets", names, buckets, {"bucket": np.int64}):
                conn.execute(QUERIES["insert_staged_buckets"], [day])

    @staticmethod
    def _index_stories(
        conn: duckdb.DuckDBPyConnection, fresh: Sequence[ArticleRecord], now: datetime
    ) -> None:
        """Store new articles' LSH buckets and refresh the stories they joined or opened."""
        buckets = [(b, a.article_key) for a in fresh for b in a.story_buckets]
        Warehouse.add_story_buckets(conn, buckets, now.date())
        stories = sorted({a.story_key or a.article_key for a in fresh})
        if stories:
            conn.execute(QUERIES["refresh_stories"], [now, stories])

    @staticmethod
    def merge_stories(
        conn: duckdb.DuckDBPyConnection,
        merges: Sequence[StoryMerge],
        now: datetime,
    ) -> None:
        """Apply story merges not applied before: the merged stories' articles and alerts move
        to the survivor, their opening articles stop counting as stories in the trend tables,
        and the survivors' summary rows are recomputed. Applying one twice changes nothing."""
        if not merges:
            return
        asked = list(dict.fromkeys(m.merged for m in merges))
        done = {r[0] for r in conn.execute(QUERIES["merged_already"], [asked]).fetchall()}
        todo = list({m.merged: m for m in merges if m.merged not in done}.values())
        if not todo:
            return
        merged = [m.merged for m in todo]
        openers = [r[0] for r in conn.execute(QUERIES["opening_articles"], [merged]).fetchall()]
        if openers:
            conn.execute(TREND_SQL["unopened_cells"], {"keys": openers})
            conn.execute(TREND_SQL["unopen_entity_hours"])
            conn.execute(TREND_SQL["unopen_entity_days"])
            for name in ("unopen_entity_totals", "unopen_source_hours", "unopen_story_entities"):
                conn.execute(TREND_SQL[name], {"keys": openers})
        into: dict[str, str] = {}
        for m in todo:
            params = {"merged": m.merged, "into": m.into}
            for name in ("move_story_articles", "move_story_alerts", "move_story_merges"):
                conn.execute(QUERIES[name], params)
            conn.execute(
                QUERIES["insert_story_merge"],
                [m.merged, m.into, m.article_key, m.evidence, m.score, now],
            )
            conn.execute(QUERIES["drop_story"], [m.merged])
            into = {k: (m.into if v == m.merged else v) for k, v in into.items()}
            into[m.merged] = m.into
        survivors = sorted(set(into.values()))
        conn.execute(QUERIES["refresh_stories"], [now, survivors])

    def story_starts(self, story_keys: Sequence[str]) -> dict[str, datetime]:
        """When each of these stored stories was first seen."""
        if not story_keys:
            return {}
        return dict(self.query("story_starts", [list(story_keys)]))

    def stories_of(self, article_keys: Sequence[str]) -> dict[str, str]:
        """The story key of each of these articles that is stored."""
        if not article_keys:
            return {}
        return dict(self.query("stories_of", [list(article_keys)]))

    def by_text_hash(self, hashes: Sequence[str]) -> dict[str, tuple[str, str]]:
        """For each normalised-text hash with a stored article: (first article, its story)."""
        if not hashes:
            return {}
        return {h: (k, s) for h, k, s in self.query("articles_by_text_hash", [list(hashes)])}

    def bucket_members(
        self, buckets: Sequence[int], since: date | None = None
    ) -> dict[int, list[str]]:
        """The article keys indexed (since a day) in each of these LSH buckets."""
        out: dict[int, list[str]] = {}
        if not buckets:
            return out
        rows = self.query("bucket_members", [since or date.min, list(buckets)])
        for bucket, key in rows:
            out.setdefault(bucket, []).append(key)
        return out

    def known(self, article_keys: Sequence[str]) -> list[tuple[str, str, str | None, str]]:
        """(article key, story key, title, text) of each of these articles that is stored."""
        if not article_keys:
            return []
        return [
            (r[0], r[1], r[2], r[3]) for r in self.query("known_articles", [list(article_keys)])
        ]

    @staticmethod
    def _record_poll(conn: duckdb.DuckDBPyConnection, poll: SourcePoll, now: datetime) -> None:
        """Update a source's health after a poll (or a skip: the source was not due)."""
        if poll.skipped:
            conn.execute(QUERIES["record_feed_skip"], [poll.name, poll.polled_at or now])
            return
        now = poll.polled_at or now
        conn.execute(
            QUERIES["upsert_feed_health_poll"],
            [
                poll.name,
                int(poll.not_modified),
                int(poll.unconditional),
                now,
                poll.status_code,
                None if poll.ok else (poll.failing_since or now),
                poll.interval_minutes,
                poll.next_poll_at,
                poll.ttl_minutes,
                poll.validated_since_change,
                poll.lying_validators,
                poll.lying_detected_at,
            ],
        )
        if poll.ok:
            conn.execute(
                QUERIES["upsert_source_success"],
                [
                    poll.name,
                    poll.kind,
                    poll.location,
                    poll.etag,
                    poll.last_modified,
                    poll.content_hash,
                    now,
                    now,
                    poll.new_items,
                    # A poll that read the source but not all of it (an archive with one
                    # unreadable feed file) keeps what failed as its last error.
                    poll.error,
                    now if poll.error else None,
                ],
            )
        else:
            conn.execute(
                QUERIES["upsert_source_failure"],
                [poll.name, poll.kind, poll.location, now, poll.error, now],
            )
