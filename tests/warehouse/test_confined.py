"""A confined warehouse connection (the one analysts' SQL runs on) reads its own tables and
nothing else: file reads, file writes, setting changes, attaches and extensions fail in the
database itself, however the statement is wrapped, and the warehouse file is left as it was."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb
import pytest

from warehouse.store import Warehouse

SECRET = "hooks-secret-7f3a9c"

READS = [
    "SELECT * FROM read_text('/proc/self/environ')",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_blob('/etc/hostname')",
    "SELECT * FROM read_json_auto('/etc/os-release')",
    "SELECT * FROM glob('/*')",
    "SELECT * FROM sniff_csv('/etc/passwd')",
    "SELECT * FROM parquet_metadata('/etc/passwd')",
    "SELECT * FROM read_text('{other}')",
    "SELECT * FROM read_text('../' || 'secret.txt')",
    "WITH x AS (SELECT * FROM read_text('/proc/self/environ')) SELECT * FROM x",
    "SELECT (SELECT content FROM read_text('/proc/self/environ'))",
    "SELECT count(*) FROM articles WHERE EXISTS (FROM read_text('/etc/passwd'))",
    "EXPLAIN ANALYZE SELECT * FROM read_text('/proc/self/environ')",
    "SELECT * FROM query('SELECT * FROM read_text(''/proc/self/environ'')')",
]
WRITES = [
    "COPY (SELECT 1) TO '{out}'",
    "COPY articles TO '{out}' (FORMAT parquet)",
    "EXPLAIN ANALYZE COPY (SELECT 1) TO '{out}'",
    "EXPLAIN ANALYZE COPY (SELECT 1) TO '{db}'",
    "EXPORT DATABASE '{outdir}'",
    "CREATE TABLE stolen AS SELECT 1",
    "EXPLAIN ANALYZE CREATE TABLE stolen AS SELECT 1",
    "INSERT INTO entities (entity_id, name, label) VALUES ('x', 'x', 'ORG')",
    "CREATE SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')",
]
SETTINGS = [
    "SET enable_external_access = true",
    "RESET enable_external_access",
    "SET lock_configuration = false",
    "SET allowed_directories = ['/']",
    "SET temp_directory = '{outdir}'",
    "PRAGMA enable_profiling = 'json'",
    "SET profiling_output = '{out}'",
    "CALL enable_logging()",
    "SET custom_extension_repository = 'http://127.0.0.1:9/'",
]
ATTACHES = [
    "ATTACH '{other_db}' AS o",
    "ATTACH '{other_db}' AS o (READ_ONLY)",
    "ATTACH ':memory:' AS m",
    "INSTALL httpfs",
    "LOAD fts",
    "FORCE INSTALL json",
]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def confined(tmp_path: Path):
    db = tmp_path / "nw.duckdb"
    with Warehouse(db) as wh:
        wh.conn.execute(
            "INSERT INTO entities (entity_id, name, label) VALUES ('e1', 'CSTO', 'ORG')"
        )
    (tmp_path / "other.txt").write_text(SECRET)
    (tmp_path / "secret.txt").write_text(SECRET)
    duckdb.connect(str(tmp_path / "other.duckdb")).close()
    os.environ["NEWSWATCH_TEST_SECRET"] = SECRET  # what /proc/self/environ would leak
    before = _digest(db)
    wh = Warehouse(db, read_only=True, confined=True)
    yield wh, tmp_path
    wh.close()
    os.environ.pop("NEWSWATCH_TEST_SECRET", None)
    assert _digest(db) == before  # the warehouse file is untouched
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "export").exists()


def _statement(template: str, folder: Path) -> str:
    return template.format(
        out=folder / "out.csv",
        outdir=folder / "export",
        db=folder / "nw.duckdb",
        other=folder / "other.txt",
        other_db=folder / "other.duckdb",
    )


@pytest.mark.parametrize("template", READS + WRITES + SETTINGS + ATTACHES)
def test_confined_connection_refuses(confined, template: str) -> None:
    wh, folder = confined
    with pytest.raises(duckdb.Error) as refused:
        rows = wh.conn.execute(_statement(template, folder)).fetchall()
        assert SECRET not in repr(rows)
    assert SECRET not in str(refused.value)
    # Still confined after the attempt.
    assert wh.conn.execute("SELECT current_setting('enable_external_access')").fetchone() == (
        False,
    )


def test_confined_connection_still_answers_analysts(confined) -> None:
    wh, _ = confined
    assert wh.conn.execute("SELECT name FROM entities").fetchall() == [("CSTO",)]
    assert wh.conn.execute("SELECT * FROM rising_entities_for('csto', 7)").fetchall() == []


def test_only_a_read_only_warehouse_can_be_confined(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="read-only"):
        Warehouse(tmp_path / "nw.duckdb", confined=True)
