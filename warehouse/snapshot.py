"""The analyst snapshot: a read-only copy of the warehouse that readers open while newswatch writes.

DuckDB lets one process hold a file read-write and then no other process may open it at all, so
analysts read a copy instead. The writer copies its database into a temporary file beside the
snapshot (DuckDB's own `COPY FROM DATABASE`, one transaction, so the copy is consistent) and
renames it over the snapshot: a reader has either the old file open (Linux keeps its inode) or
opens the new one, never a half-written file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from common.keys import utcnow
from warehouse.sql import named_queries
from warehouse.store import Warehouse

if TYPE_CHECKING:
    from warehouse.config import AnalystSettings, SnapshotConfig

log = logging.getLogger(__name__)

# The snapshot's name inside the writer's connection while it is being written.
_ALIAS = "newswatch_analyst_snapshot"
# The snapshot is written in DuckDB 1.5's storage format, whatever the writer's version, so the
# clients analysts install open it: `pip install duckdb-cli` gives the 1.5 CLI (there is no 2.x
# CLI on PyPI) and a 1.5 CLI refuses a file in 2.0's format (docs/warehouse.md).
STORAGE_VERSION = "v1.5.0"

# What `snapshot_info` counts: (column, query on the source database).
_COUNTS = (
    ("articles", "SELECT count(*) FROM {db}.main.articles"),
    ("stories", "SELECT count(*) FROM {db}.main.stories"),
    ("entities", "SELECT count(*) FROM {db}.main.entities"),
    ("mentions", "SELECT count(*) FROM {db}.main.mentions"),
)


@dataclass(frozen=True)
class SnapshotInfo:
    """A published snapshot: where, when, what it holds and how long it took."""

    path: Path
    published_at: datetime
    articles: int
    stories: int
    entities: int
    mentions: int
    seconds: float


def _quote(name: str) -> str:
    """A DuckDB identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def sql_literal(text: str) -> str:
    """A DuckDB string literal (ATTACH takes no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def _remove(path: Path) -> None:
    """Delete a leftover temporary file and its WAL, if any."""
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _count(conn: duckdb.DuckDBPyConnection, sql: str) -> int:
    """One count, 0 where the table does not exist in an old schema."""
    try:
        row = conn.execute(sql).fetchone()
    except duckdb.CatalogException:
        return 0
    return int(row[0]) if row else 0


# Tables the snapshot stores sorted, so a read of one key touches only its row groups (DuckDB
# skips row groups by their min/max): the word index by word (a search), mentions by entity
# (an entity's bars with a language or site filter: 330 ms to 110 ms at a million articles).
_SORTED = (("article_terms", "term, event_time"), ("mentions", "entity_id, article_key"))


def _sort_tables(conn: duckdb.DuckDBPyConnection, source: str, snap: str) -> None:
    """Rewrite the snapshot's copies of the _SORTED tables in their order."""
    for table, order in _SORTED:
        # A warehouse from before migration 012 has no word index to sort.
        with contextlib.suppress(duckdb.CatalogException):
            conn.execute(
                f"CREATE OR REPLACE TABLE {snap}.main.{table} AS "
                f"SELECT * FROM {source}.main.{table} ORDER BY {order}"
            )


def _build_explorer_tables(conn: duckdb.DuckDBPyConnection, snap: str) -> None:
    """Add the tables only the explorer reads (warehouse/sql/explorer.sql), from the copy."""
    row = conn.execute("SELECT current_database()").fetchone()
    conn.execute(f"USE {snap}")
    try:
        conn.execute(named_queries("explorer.sql")["build_entity_days_by_source"])
    finally:
        conn.execute(f"USE {_quote(row[0] if row else 'memory')}")


def _copy(conn: duckdb.DuckDBPyConnection, source: str, tmp: Path) -> SnapshotInfo:
    """Copy database `source` of `conn` into a new file `tmp`, with a `snapshot_info` row."""
    snap = _quote(_ALIAS)
    conn.execute(f"ATTACH {sql_literal(str(tmp))} AS {snap} (STORAGE_VERSION '{STORAGE_VERSION}')")
    try:
        # One transaction: the copy and its counts see the same state of the warehouse.
        conn.execute("BEGIN TRANSACTION")
        try:
            conn.execute(f"COPY FROM DATABASE {_quote(source)} TO {snap}")
            _sort_tables(conn, _quote(source), snap)
            _build_explorer_tables(conn, snap)
            counts = {col: _count(conn, sql.format(db=_quote(source))) for col, sql in _COUNTS}
            published = utcnow()
            origin = conn.execute(
                "SELECT path FROM duckdb_databases() WHERE database_name = ?", [source]
            ).fetchone()
            conn.execute(
                f"CREATE TABLE {snap}.main.snapshot_info AS SELECT "
                "?::TIMESTAMP AS published_at, ?::VARCHAR AS source_path, "
                "?::BIGINT AS articles, ?::BIGINT AS stories, ?::BIGINT AS entities, "
                "?::BIGINT AS mentions",
                [published, origin[0] if origin else None, *counts.values()],
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute(f"CHECKPOINT {snap}")
    finally:
        conn.execute(f"DETACH {snap}")
    return SnapshotInfo(tmp, published, seconds=0.0, **counts)


def publish_snapshot(
    conn_or_path: Warehouse | duckdb.DuckDBPyConnection | Path | str, snapshot_path: Path | str
) -> SnapshotInfo:
    """Write a consistent copy of the warehouse and atomically replace `snapshot_path` by it."""
    started = time.perf_counter()
    target = Path(snapshot_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Beside the target, so the rename stays on one filesystem and is atomic.
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    _remove(tmp)
    try:
        if isinstance(conn_or_path, Path | str):
            # From a path: attach it read-only to a scratch connection (fails if a writer has it).
            with duckdb.connect() as conn:
                conn.execute(f"ATTACH {sql_literal(str(conn_or_path))} AS source (READ_ONLY)")
                info = _copy(conn, "source", tmp)
        else:
            conn = conn_or_path.conn if isinstance(conn_or_path, Warehouse) else conn_or_path
            row = conn.execute("SELECT current_database()").fetchone()
            info = _copy(conn, str(row[0]) if row else "main", tmp)
        with tmp.open("rb") as handle:
            os.fsync(handle.fileno())  # the rename must never expose a file not yet on disk
        tmp.replace(target)  # os.replace: atomic on one filesystem
    finally:
        _remove(tmp)
    seconds = time.perf_counter() - started
    return SnapshotInfo(
        target,
        info.published_at,
        info.articles,
        info.stories,
        info.entities,
        info.mentions,
        seconds,
    )


def snapshot_path(settings: SnapshotConfig) -> Path:
    """Where the analyst snapshot of `settings.db_path` lives."""
    configured = settings.analyst.snapshot_path
    if configured is not None:
        return configured
    # Beside the warehouse by default, so `--db other.duckdb` never reads another's snapshot.
    db = settings.db_path
    return db.with_name(f"{db.stem}-analyst{db.suffix or '.duckdb'}")


def is_due(path: Path, min_interval_seconds: float, now: float | None = None) -> bool:
    """Whether the snapshot at `path` is missing or older than the interval."""
    try:
        age = (time.time() if now is None else now) - path.stat().st_mtime
    except FileNotFoundError:
        return True
    return age >= min_interval_seconds


def publish_if_due(
    wh: Warehouse, settings: SnapshotConfig, *, force: bool = False
) -> SnapshotInfo | None:
    """Publish the analyst snapshot unless off or recently published; never raise."""
    analyst: AnalystSettings = settings.analyst
    if not analyst.snapshot:
        return None
    target = snapshot_path(settings)
    if not force and not is_due(target, analyst.min_interval_seconds):
        log.debug("analyst snapshot %s is recent: not republished", target)
        return None
    try:
        info = publish_snapshot(wh, target)
    except Exception:
        # Analysts reading a slightly older copy is no reason to fail the run that wrote.
        log.exception("could not publish the analyst snapshot %s", target)
        return None
    log.info("analyst snapshot %s: %d articles in %.2f s", target, info.articles, info.seconds)
    return info


def snapshot_status(settings: SnapshotConfig, started: float) -> str:
    """One line for a writing command's output: whether analysts see what it wrote (the
    snapshot was published after `started`, a time.time()), and if not, when they will."""
    analyst: AnalystSettings = settings.analyst
    target = snapshot_path(settings)
    if not analyst.snapshot:
        return "analyst snapshot off (analyst.snapshot: false): readers open the warehouse itself"
    try:
        published = target.stat().st_mtime
    except FileNotFoundError:
        published = None
    if published is not None and published >= started:
        return f"analyst snapshot {target}: published, up to date"
    if published is not None and not is_due(target, analyst.min_interval_seconds, started):
        return (
            f"analyst snapshot {target}: not republished, published "
            f"{started - published:.0f} s before this began and analyst.min_interval_seconds is "
            f"{analyst.min_interval_seconds:.0f}; the next writing run after that publishes it"
        )
    return (
        f"analyst snapshot {target}: could NOT be published (see the log); "
        "readers see an older copy"
    )


def analyst_path(settings: SnapshotConfig) -> Path:
    """The file analyst commands read: the snapshot where there is one, else the warehouse."""
    target = snapshot_path(settings)
    if settings.analyst.snapshot and target.is_file():
        return target
    return settings.db_path
