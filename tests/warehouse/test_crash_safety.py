"""A run killed with SIGKILL in the middle of loading leaves a DuckDB file that opens, and the
next run ends with exactly the rows of a run that was never interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.e2e

RUN = """
import sys
from newswatch.pipeline import run_once
from newswatch.settings import load_settings
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


def start(config: Path, db: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH")}
    return subprocess.Popen(
        [sys.executable, "-c", RUN, str(config), str(db), "10"],
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
    began = time.monotonic()
    ref = start(config, ref_db)
    assert ref.wait(timeout=600) == 0, ref.stderr.read().decode() if ref.stderr else ""
    duration = time.monotonic() - began
    expected = snapshot(ref_db)
    assert len(expected["articles"]) > 100

    db = tmp_path / "crashed.duckdb"
    kills = 0
    # Each run starts where the last stopped, so each is killed early in its own remaining work.
    for fraction in (0.35, 0.3):
        proc = start(config, db)
        time.sleep(duration * fraction)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
        # The file opens and answers after every kill.
        with duckdb.connect(str(db)) as con:
            con.execute("SELECT count(*) FROM articles").fetchone()
    assert kills >= 2

    final = start(config, db)
    assert final.wait(timeout=600) == 0, final.stderr.read().decode() if final.stderr else ""
    got = snapshot(db)
    for name in TABLES:
        assert got[name] == expected[name], name
    with duckdb.connect(str(db), read_only=True) as con:
        statuses = dict(con.execute("SELECT status, count(*) FROM runs GROUP BY 1").fetchall())
    assert statuses.get("completed", 0) >= 1
