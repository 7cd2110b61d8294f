"""The analyst snapshot: readers query it while loads run, and neither side fails or waits."""

from __future__ import annotations

import json
import logging
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from newswatch.pipeline import run_once
from newswatch.settings import AnalystSettings, Settings, load_settings
from warehouse.records import ArticleRecord, LoadBatch
from warehouse.snapshot import analyst_path, publish_if_due, publish_snapshot, snapshot_path
from warehouse.store import Warehouse

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2022, 1, 10, 12, 0)
SITE = "steppe-herald.example"
NAMES = [
    ("Collective Security Treaty Organization", "ORG"),
    ("Kassym-Jomart Tokayev", "PERSON"),
    ("Vladimir Putin", "PERSON"),
    ("Almaty", "GPE"),
    ("Karim Massimov", "PERSON"),
]

# The reader: reopens the snapshot for every round of trend queries until told to stop, checks
# each copy is whole (its rows match the counts recorded with it), reports what it saw as JSON.
READER = r"""
import json, sys, time
from pathlib import Path
import duckdb

snap, stop = Path(sys.argv[1]), Path(sys.argv[2])
seen, latencies, errors = [], [], []
while not stop.exists():
    started = time.perf_counter()
    try:
        with duckdb.connect(str(snap), read_only=True) as con:
            recorded = con.execute("SELECT articles FROM snapshot_info").fetchone()[0]
            articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
            con.execute("SELECT * FROM entity_daily ORDER BY stories DESC LIMIT 20").fetchall()
            con.execute("SELECT * FROM rising_entities ORDER BY ratio DESC LIMIT 20").fetchall()
            con.execute("SELECT count(*) FROM stories").fetchone()
        if articles != recorded:
            errors.append(f"partial snapshot: {articles} articles, {recorded} recorded")
        seen.append(articles)
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    latencies.append(time.perf_counter() - started)
    if len(latencies) == 1:
        print("ready", flush=True)
print(json.dumps({"seen": seen, "latencies": latencies, "errors": errors[:20]}), flush=True)
"""


def make_article(i: int) -> ArticleRecord:
    """Article `i`, a minute after article i-1, naming three of the entities."""
    when = T0 + timedelta(minutes=i)
    return ArticleRecord(
        article_key=f"k{i:06d}",
        url=f"https://{SITE}/{i}",
        canonical_url=f"https://{SITE}/{i}",
        source="herald",
        site=SITE,
        title=f"Story {i}",
        text=f"Body of story {i}. " * 40,
        published=when,
        fetched_at=when + timedelta(minutes=30),
        language="en",
        content_hash=f"h-{i}",
        topics={"csto": ("csto",)},
        mentions={NAMES[(i + j) % len(NAMES)]: 1 + j for j in range(3)},
    )


def load(wh: Warehouse, start: int, count: int) -> None:
    """Load articles start .. start+count-1 as one batch."""
    wh.load(LoadBatch("run-1", articles=[make_article(i) for i in range(start, start + count)]))


def settings_for(tmp_path: Path, **analyst: object) -> Settings:
    """The shipped settings on a warehouse in `tmp_path`."""
    shipped = load_settings(env={})
    return shipped.model_copy(
        update={
            "db_path": tmp_path / "nw.duckdb",
            "sources": [],
            "analyst": AnalystSettings.model_validate(analyst),
        }
    )


def count(path: Path, sql: str = "SELECT count(*) FROM articles") -> int:
    """One number from a file opened read-only."""
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def test_snapshot_holds_tables_views_and_its_freshness(tmp_path):
    db, snap = tmp_path / "nw.duckdb", tmp_path / "out" / "analyst.duckdb"
    with Warehouse(db) as wh:
        load(wh, 0, 30)
        info = publish_snapshot(wh, snap)
        load(wh, 30, 5)  # the writer keeps its file; the snapshot does not move

    assert (info.path, info.articles, info.entities) == (snap, 30, len(NAMES))
    assert info.stories == 30 and info.mentions == 90
    with duckdb.connect(str(snap), read_only=True) as con:
        sql = "SELECT view_name FROM duckdb_views() WHERE NOT internal"
        views = {v for (v,) in con.execute(sql).fetchall()}
        assert {"entity_daily", "rising_entities", "story_overview", "cooccurrence"} <= views
        # All 30 articles are on one day: one row per entity.
        assert con.execute("SELECT count(*) FROM entity_daily").fetchone() == (len(NAMES),)
        # The table macro the trend API's co-occurrence runs on comes along too.
        partners = con.execute("SELECT * FROM entity_partners(?, 30)", [NAMES[0][0]]).fetchall()
        assert partners and all(name != NAMES[0][0] for name, _, _ in partners)
        # The word index comes sorted by term and mentions by entity (the writer's are in load
        # order), and whole.
        terms = [t for (t,) in con.execute("SELECT term FROM article_terms").fetchall()]
        assert terms == sorted(terms) and len(terms) == 30 * 4  # story, body, of, i
        ids = [e for (e,) in con.execute("SELECT entity_id FROM mentions").fetchall()]
        assert ids == sorted(ids) and len(ids) == 90  # mentions by entity, whole
        published, source, articles = con.execute(
            "SELECT published_at, source_path, articles FROM snapshot_info"
        ).fetchone()
    assert articles == 30 and source == str(db)
    assert abs(published - info.published_at) < timedelta(seconds=1)
    # Only the snapshot is left: no temporary file or WAL beside it.
    assert sorted(p.name for p in snap.parent.iterdir()) == ["analyst.duckdb"]
    # From a path too (a warehouse no process is writing).
    assert publish_snapshot(db, tmp_path / "copy.duckdb").articles == 35


def test_a_reader_keeps_its_snapshot_while_a_new_one_replaces_it(tmp_path):
    db, snap = tmp_path / "nw.duckdb", tmp_path / "analyst.duckdb"
    with Warehouse(db) as wh:
        load(wh, 0, 20)
        publish_snapshot(wh, snap)
        old = duckdb.connect(str(snap), read_only=True)
        try:
            before = old.execute("SELECT * FROM entity_daily ORDER BY ALL").fetchall()
            load(wh, 20, 40)
            publish_snapshot(wh, snap)
            # The open file is the old inode: same rows, every view still answers.
            assert old.execute("SELECT count(*) FROM articles").fetchone() == (20,)
            assert old.execute("SELECT * FROM entity_daily ORDER BY ALL").fetchall() == before
            assert old.execute("SELECT articles FROM snapshot_info").fetchone() == (20,)
            # Another process opening the path now gets the new, complete copy.
            probe = "import duckdb,sys; c=duckdb.connect(sys.argv[1], read_only=True); "
            probe += "print(c.execute('SELECT count(*) FROM articles').fetchone()[0])"
            out = subprocess.run(
                [sys.executable, "-c", probe, str(snap)], capture_output=True, text=True, check=True
            )
            assert out.stdout.strip() == "60"
        finally:
            old.close()
    # In one process DuckDB shares an open file: reconnecting after closing sees the new copy.
    assert count(snap) == 60


def test_publish_is_throttled_unless_forced_and_can_be_turned_off(tmp_path, monkeypatch):
    settings = settings_for(tmp_path, min_interval_seconds=3600)
    target = snapshot_path(settings)
    assert target == tmp_path / "nw-analyst.duckdb"
    with Warehouse(settings.db_path) as wh:
        load(wh, 0, 3)
        assert publish_if_due(wh, settings) is not None  # none yet: due
        load(wh, 3, 3)
        assert publish_if_due(wh, settings) is None  # published seconds ago
        assert count(target) == 3
        forced = publish_if_due(wh, settings, force=True)
        assert forced is not None and forced.articles == 6
        os.utime(target, (time.time() - 7200, time.time() - 7200))  # an hour and more ago
        load(wh, 6, 1)
        assert publish_if_due(wh, settings) is not None and count(target) == 7
        off = settings.model_copy(update={"analyst": AnalystSettings(snapshot=False)})
        assert publish_if_due(wh, off, force=True) is None
    assert analyst_path(settings) == target
    assert analyst_path(off) == settings.db_path


def test_a_failed_publish_is_logged_and_does_not_raise(tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings = settings_for(tmp_path, snapshot_path=blocker / "analyst.duckdb")
    with Warehouse(settings.db_path) as wh, caplog.at_level(logging.ERROR):
        load(wh, 0, 2)
        assert publish_if_due(wh, settings, force=True) is None
        load(wh, 2, 2)  # the writer's connection is still usable
    assert "could not publish the analyst snapshot" in caplog.text
    assert count(settings.db_path) == 4


def test_run_once_publishes_the_snapshot(tmp_path):
    settings = settings_for(tmp_path)
    run_once(settings)
    target = snapshot_path(settings)
    assert count(target, "SELECT count(*) FROM runs WHERE status = 'completed'") == 1
    assert count(target, "SELECT count(*) FROM snapshot_info") == 1


def test_readers_query_the_snapshot_throughout_many_loads(tmp_path):
    """40 loads, each followed by a publish, while another process runs trend queries."""
    db, snap, stop = tmp_path / "nw.duckdb", tmp_path / "analyst.duckdb", tmp_path / "stop"
    batches, per_batch = 40, 10
    with Warehouse(db) as wh:
        load(wh, 0, per_batch)
        publish_snapshot(wh, snap)
        reader = subprocess.Popen(
            [sys.executable, "-c", READER, str(snap), str(stop)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert reader.stdout is not None
            assert reader.stdout.readline().strip() == "ready"
            loads, publishes = [], []
            for b in range(1, batches):
                started = time.perf_counter()
                load(wh, b * per_batch, per_batch)
                loads.append(time.perf_counter() - started)
                info = publish_snapshot(wh, snap)
                publishes.append(info.seconds)
                assert info.articles == (b + 1) * per_batch
            time.sleep(0.3)  # the reader gets to see the last copy
        finally:
            stop.touch()
            out, errors = reader.communicate(timeout=60)
    assert reader.returncode == 0, errors
    report = json.loads(out.strip().splitlines()[-1])
    seen, latencies = report["seen"], report["latencies"]
    p95 = statistics.quantiles(latencies, n=20)[-1]
    print(
        f"\nreader: {len(latencies)} rounds, latency p95 {p95 * 1000:.1f} ms, "
        f"max {max(latencies) * 1000:.1f} ms; {len(set(seen))} distinct snapshots seen\n"
        f"writer: load max {max(loads) * 1000:.1f} ms, publish mean "
        f"{statistics.mean(publishes) * 1000:.1f} ms, max {max(publishes) * 1000:.1f} ms"
    )

    assert report["errors"] == []
    assert len(latencies) >= 50  # it kept querying the whole time
    assert p95 < 1.0
    # Counts never go backwards: each round saw one whole copy, each newer than the last.
    assert seen == sorted(seen) and seen[-1] == batches * per_batch
    assert len(set(seen)) >= 5  # it did see new copies while loads ran
    # The writer held its file throughout: readers never held it up (generous for slow CI).
    assert max(publishes) < 10.0


HOLDER = (
    "import duckdb, sys\n"
    "con = duckdb.connect(sys.argv[1])\n"
    "print('held', flush=True)\n"
    "sys.stdin.read()\n"
)


def newswatch(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the `newswatch` command in `cwd` without the caller's NEWSWATCH variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH")}
    env["COLUMNS"] = "200"
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "newswatch", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


@pytest.mark.e2e
def test_cli_reads_the_snapshot_while_a_writer_holds_the_warehouse(tmp_path):
    settings = settings_for(tmp_path)
    with Warehouse(settings.db_path) as wh:
        load(wh, 0, 12)
        publish_if_due(wh, settings)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(settings.db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        ok = newswatch(tmp_path, "trends", "--db", str(settings.db_path))
        assert ok.returncode == 0, ok.stderr
        assert "Kassym-Jomart Tokayev" in ok.stdout and ok.stderr == ""

        # Without a snapshot the reader meets the writer's lock: the clear error, exit 1.
        snapshot_path(settings).unlink()
        locked = newswatch(tmp_path, "trends", "--db", str(settings.db_path))
        assert locked.returncode == 1
        assert f"{settings.db_path}: cannot open DuckDB file" in locked.stderr.replace("\n", "")
    finally:
        holder.communicate(timeout=30)


def test_the_duckdb_cli_analysts_install_opens_the_snapshot(tmp_path):
    # duckdb-cli from PyPI (the dev extra pins it) is the 1.5 CLI: the newest on PyPI, and it
    # refuses a file in DuckDB 2.0's storage format. The snapshot is written in 1.5's.
    cli = Path(sys.executable).with_name("duckdb")
    if not cli.exists():
        pytest.fail(f"{cli} missing: install the dev extra (requirements.lock pins duckdb-cli)")
    db, snap = tmp_path / "nw.duckdb", tmp_path / "analyst.duckdb"
    with Warehouse(db) as wh:
        load(wh, 0, 12)
        publish_snapshot(wh, snap)
    sql = (
        "SELECT count(*) FROM articles; "
        "SELECT count(*) FROM entity_daily; "
        f"SELECT count(*) FROM entity_partners('{NAMES[0][0]}', 30);"
    )
    out = subprocess.run(
        [str(cli), "-readonly", "-csv", "-noheader", str(snap), "-c", sql],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    counts = [int(line) for line in out.stdout.split()]
    assert counts[0] == 12 and counts[1] == len(NAMES) and counts[2] > 0
    version = subprocess.run([str(cli), "--version"], capture_output=True, text=True, timeout=30)
    assert version.stdout.startswith("v1.")  # the point: an older CLI than the writer
    # The writer's own file stays in the writer's format, which that CLI cannot open.
    refused = subprocess.run(
        [str(cli), "-readonly", str(db), "-c", "SELECT 1"], capture_output=True, timeout=60
    )
    assert duckdb.__version__.startswith("1.") or refused.returncode != 0
