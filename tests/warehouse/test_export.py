"""Parquet export: hive layout by event day, read back by DuckDB, idempotent re-export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from warehouse.export import export_parquet

from .test_trends import build


def counts(out: Path) -> dict[str, int]:
    with duckdb.connect() as con:
        return {
            t: con.execute(
                f"SELECT count(*) FROM read_parquet('{out}/{t}/*/*.parquet', "
                "hive_partitioning=true)"
            ).fetchone()[0]
            for t in ("articles", "mentions")
        } | {
            t: con.execute(f"SELECT count(*) FROM read_parquet('{out}/{t}/*.parquet')").fetchone()[
                0
            ]
            for t in ("entities", "stories")
        }


def files(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())


def test_export_reads_back_and_re_export_is_idempotent(tmp_path):
    db = build(tmp_path / "nw.duckdb")
    out = tmp_path / "out"
    with duckdb.connect(str(db), read_only=True) as con:
        written = export_parquet(con, out)
        assert written == {"articles": 5, "mentions": 9, "entities": 4, "stories": 4}
        assert counts(out) == written
        layout = files(out)
        assert "articles/day=2022-01-10/data_0.parquet" in layout
        assert "mentions/day=2022-01-05/data_0.parquet" in layout
        assert "entities/entities.parquet" in layout and "stories/stories.parquet" in layout

        assert export_parquet(con, out) == written
        assert files(out) == layout and counts(out) == written  # nothing doubled, no leftovers

        part = export_parquet(con, out, since=date(2022, 1, 8), until=date(2022, 1, 8))
        assert part["articles"] == 1 and part["mentions"] == 2
        assert counts(out) == written  # other days untouched
    with duckdb.connect() as con:
        days = con.execute(
            f"SELECT day, count(*) FROM read_parquet('{out}/articles/*/*.parquet', "
            "hive_partitioning=true) GROUP BY day ORDER BY day"
        ).fetchall()
    assert days == [(date(2022, 1, 5), 1), (date(2022, 1, 8), 1), (date(2022, 1, 10), 3)]
