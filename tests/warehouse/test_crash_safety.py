"""A run killed with SIGKILL inside a load (rows written, transaction open) or right after a
load committed (before the run's bookkeeping) leaves a DuckDB file that opens, and the next run
ends with exactly the rows of a run that was never interrupted. The kill comes from
`Warehouse.load_hook` at a chosen load, so each run dies at the same point every time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.e2e

RUN = """
import os, signal, sys
from newswatch.pipeline import run_once
from newswatch.settings import load_settings
from warehouse.store import Warehouse
if sys.argv[4]:
    point, nth = sys.argv[4].split(":")
    seen = {"n": 0}
    def kill(step):
        if step == point:
            seen["n"] += 1
            if seen["n"] == int(nth):
                os.kill(os.getpid(), signal.SIGKILL)
    Warehouse.load_hook = kill
settings = load_settings(sys.argv[1], db=sys.argv[2])
run_once(settings, chunk_size=int(sys.argv[3]))
"""
TABLES = {
    "articles": "SELECT article_key, content_hash, title, published, story_key, copy_of, "
    "copy_kind FROM articles",
    "stories": "SELECT story_key, first_seen, title, articles FROM stories",
    "story_index": "SELECT bucket, article_key FROM story_index",
    "mentions": "SELECT article_key, entity_id, count FROM mentions",
    "entities": "SELECT entity_id, name, label FROM entities",
    "topic_matches": "SELECT article_key, topic, terms FROM topic_matches",
    "seen_items": "SELECT url_key, status, article_key FROM seen_items",
    "site_lines": "SELECT site, line_hash, articles FROM site_lines",
}


def start(config: Path, db: Path, kill_at: str = "") -> subprocess.Popen[bytes]:
    """Run the pipeline in a child; `kill_at` "written:2" kills it inside its second load."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH")}
    return subprocess.Popen(
        [sys.executable, "-c", RUN, str(config), str(db), "10", kill_at],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def snapshot(db: Path) -> dict[str, list]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in TABLES.items()}


def test_sigkill_during_loads_loses_and_duplicates_nothing(big_archive, make_config, tmp_path):
    archive = big_archive(150)
    config = make_config(f"  - {{name: big, kind: archive, path: '{archive}'}}\n")

    ref_db = tmp_path / "reference.duckdb"
    ref = start(config, ref_db)
    assert ref.wait(timeout=600) == 0, ref.stderr.read().decode() if ref.stderr else ""
    expected = snapshot(ref_db)
    assert len(expected["articles"]) > 100

    db = tmp_path / "crashed.duckdb"
    # Each run starts where the last stopped: the first dies with its second load's rows
    # uncommitted, the second right after its first load committed.
    for kill_at in ("written:2", "committed:1"):
        proc = start(config, db, kill_at)
        assert proc.wait(timeout=600) == -signal.SIGKILL, kill_at
        # The file opens and answers after every kill.
        with duckdb.connect(str(db)) as con:
            con.execute("SELECT count(*) FROM articles").fetchone()
    with duckdb.connect(str(db), read_only=True) as con:
        partial = con.execute("SELECT count(*) FROM articles").fetchone()
    assert partial is not None and 0 < partial[0] < len(expected["articles"])

    final = start(config, db)
    assert final.wait(timeout=600) == 0, final.stderr.read().decode() if final.stderr else ""
    got = snapshot(db)
    for name in TABLES:
        assert got[name] == expected[name], name
    with duckdb.connect(str(db), read_only=True) as con:
        statuses = dict(con.execute("SELECT status, count(*) FROM runs GROUP BY 1").fetchall())
    assert statuses.get("completed", 0) >= 1
