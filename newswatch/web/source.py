"""The snapshot the explorer reads, reopened whenever newswatch publishes a new one."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from warehouse.snapshot import sql_literal
from warehouse.store import CONFINED_CONFIG, confine


class NoSnapshot(Exception):
    """There is no analyst snapshot to read yet."""


class SnapshotSource:
    """Cursors on the newest analyst snapshot, confined to it (no file, URL or extension).

    newswatch replaces the snapshot by renaming a new file over it, so a changed inode means a
    new snapshot. Each open is a fresh in-memory database that attaches the file: DuckDB
    shares one instance per path inside a process, which would keep serving the old file."""

    def __init__(self, path: Path | Callable[[], Path]) -> None:
        self._where = path
        self._lock = threading.Lock()
        self._conn: duckdb.DuckDBPyConnection | None = None
        self._stamp: tuple[int, int] | None = None
        # What stays the same for one snapshot (filter menus, publish time), per stamp.
        self._memo: dict[str, Any] = {}

    @property
    def path(self) -> Path:
        """The snapshot file (resolved on first use when given as a callable)."""
        if callable(self._where):
            self._where = self._where()
        return self._where

    def _stat(self) -> tuple[int, int]:
        """The file's identity: a new snapshot is a new inode."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            raise NoSnapshot(
                f"{self.path}: no analyst snapshot yet (`newswatch run --once` publishes one)"
            ) from None
        return st.st_ino, st.st_mtime_ns

    def _open(self) -> duckdb.DuckDBPyConnection:
        """A confined, read-only connection to the file as it is now."""
        conn = duckdb.connect(":memory:", config=CONFINED_CONFIG)
        conn.execute(f"ATTACH {sql_literal(str(self.path))} AS snapshot (READ_ONLY)")
        conn.execute("USE snapshot")
        confine(conn)
        return conn

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for one request (cursors are per thread; the connection is shared)."""
        stamp = self._stat()
        with self._lock:
            if self._conn is None or stamp != self._stamp:
                # The old connection lives on in cursors still answering; they hold its file.
                self._conn, self._stamp = self._open(), stamp
                self._memo = {}
            cursor = self._conn.cursor()
        cursor.execute("USE snapshot")  # a cursor starts in the in-memory database
        return cursor

    def memo(self, name: str, compute: Callable[[duckdb.DuckDBPyConnection], Any]) -> Any:
        """`compute(cursor)` once per snapshot: read again only after a new one is published."""
        cursor = self.cursor()
        memo = self._memo
        if name not in memo:
            memo[name] = compute(cursor)
        return memo[name]

    def published_at(self) -> str | None:
        """When the snapshot was published (UTC), if it says."""
        published: str | None = self.memo("published_at", _published_at)
        return published


def _published_at(cursor: duckdb.DuckDBPyConnection) -> str | None:
    """The snapshot's publish time as the header shows it, None if it does not say."""
    try:
        row = cursor.execute("SELECT max(published_at) FROM snapshot_info").fetchone()
    except duckdb.Error:
        return None
    return f"{row[0]:%Y-%m-%d %H:%M} UTC" if row and row[0] else None
