"""Parquet export of the warehouse in hive layout, for tools that read files rather than DuckDB.

    OUT/articles/day=2022-01-06/*.parquet   articles with event_time, by event day
    OUT/mentions/day=2022-01-06/*.parquet   mentions with entity name, label, story, event_time
    OUT/entities/entities.parquet           every entity
    OUT/stories/stories.parquet             every story

Each table is written to a staging folder inside OUT first, then moved into place one day
folder at a time, so a reader sees a day either as it was or as it is now, never half written.
"""

from __future__ import annotations

import shutil
import uuid
from datetime import date
from pathlib import Path

import duckdb

from warehouse.sql import named_queries

PARTITIONED = ("articles", "mentions")
WHOLE = ("entities", "stories")


def export_parquet(
    conn: duckdb.DuckDBPyConnection,
    out_dir: Path | str,
    *,
    since: date | None = None,
    until: date | None = None,
) -> dict[str, int]:
    """Export articles and mentions (event days since..until, inclusive) and all entities and
    stories; replace the days written; return rows written per table."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # Inside OUT, so the final renames stay on one file system (and are atomic there).
    staging = out / f".staging-{uuid.uuid4().hex[:12]}"
    queries = named_queries("export.sql")
    counts: dict[str, int] = {}
    staging.mkdir()
    try:
        for table in PARTITIONED:
            staged = staging / table
            params = {"path": str(staged), "since": since, "until": until}
            counts[table] = _copied(conn.execute(queries[f"export_{table}"], params))
            _swap_days(staged, out / table, since, until)
        for table in WHOLE:
            staged = staging / table
            staged.mkdir(parents=True)
            path = str(staged / f"{table}.parquet")
            counts[table] = _copied(conn.execute(queries[f"export_{table}"], {"path": path}))
            _swap_folder(staged, out / table)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return counts


def _copied(cur: duckdb.DuckDBPyConnection) -> int:
    """The row count a COPY statement reports."""
    row = cur.fetchone()
    return int(row[0]) if row else 0


def _swap_days(staged: Path, target: Path, since: date | None, until: date | None) -> None:
    """Move each staged day folder into `target`, replacing the old one; drop old days in the
    exported range that have no rows any more."""
    target.mkdir(parents=True, exist_ok=True)
    fresh = {d.name for d in staged.iterdir()} if staged.exists() else set()
    for name in sorted(fresh):
        _swap_folder(staged / name, target / name)
    for old in target.iterdir():
        day = _day_of(old.name)
        if day is None or old.name in fresh:
            continue
        if (since is None or day >= since) and (until is None or day <= until):
            shutil.rmtree(old)


def _swap_folder(new: Path, dest: Path) -> None:
    """Replace `dest` by `new` with two renames; the old copy is deleted afterwards."""
    old = dest.with_name(f".old-{uuid.uuid4().hex[:12]}-{dest.name}")
    if dest.exists():
        dest.rename(old)
    new.rename(dest)
    shutil.rmtree(old, ignore_errors=True)


def _day_of(name: str) -> date | None:
    """The day of a `day=YYYY-MM-DD` partition folder, else None."""
    if not name.startswith("day="):
        return None
    try:
        return date.fromisoformat(name[4:])
    except ValueError:
        return None
