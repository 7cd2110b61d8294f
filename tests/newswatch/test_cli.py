"""The `newswatch` command as a user runs it: a real process, the sample archive, a real DuckDB."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from samples.build import labels

LABELS = labels()  # the sample corpus's labelled on- and off-topic counts

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "csto-2022"
DOCS = ROOT / "docs" / "warehouse.md"


def tmp_cwd() -> str:
    """An empty working folder, so relative defaults never find the developer's own data."""
    import tempfile

    return tempfile.mkdtemp(prefix="nw-cwd-")


def newswatch(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH")}
    full_env = {**inherited, "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "newswatch", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def offline_config(make_config) -> Path:
    """The shipped settings and topics with only the sample archive and one dead feed."""
    return make_config(
        f"  - {{name: sample, kind: archive, path: '{SAMPLE}'}}\n"
        "  - {name: dead-feed, url: 'http://127.0.0.1:9/rss.xml'}\n"
    )


@pytest.fixture(scope="module")
def loaded(offline_config, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    db = tmp_path_factory.mktemp("db") / "nw.duckdb"
    return db, newswatch("run", "--once", "--config", str(offline_config), "--db", str(db))


def test_run_once_completes_with_summary_despite_dead_feed(loaded):
    db, proc = loaded
    assert proc.returncode == 0, proc.stderr
    assert re.search(rf"articles stored\s*│\s*{LABELS.on_topic}\b", proc.stdout), proc.stdout
    assert re.search(r"off-topic\s*│\s*3\b", proc.stdout)
    assert "feed error  dead-feed" in proc.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == LABELS.on_topic


def test_second_run_stores_nothing_new(loaded, offline_config):
    db, _ = loaded
    proc = newswatch("run", "--once", "--config", str(offline_config), "--db", str(db))
    assert proc.returncode == 0
    assert re.search(r"articles stored\s*│\s*0\b", proc.stdout)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == LABELS.on_topic


def test_trends_and_feeds_tables(loaded, offline_config):
    db, _ = loaded
    proc = newswatch(
        "trends",
        "--topic",
        "csto",
        "--days",
        "30",
        "--config",
        str(offline_config),
        "--db",
        str(db),
    )
    assert proc.returncode == 0, proc.stderr
    top = proc.stdout.split("Rising")[0]
    assert "Collective Security Treaty Organization" in top and "Kassym-Jomart Tokayev" in top
    proc = newswatch("feeds", "--config", str(offline_config), "--db", str(db))
    assert proc.returncode == 0
    assert re.search(r"sample\s*│\s*archive", proc.stdout)
    assert re.search(r"dead-feed\s*│\s*feed\s*│\s*never", proc.stdout)


def test_env_var_sets_the_database(offline_config, loaded, tmp_path):
    db, _ = loaded
    proc = newswatch("feeds", "--config", str(offline_config), env={"NEWSWATCH_DB": str(db)})
    assert proc.returncode == 0 and "sample" in proc.stdout


def test_bad_config_exits_2_naming_file_and_key(tmp_path):
    bad = tmp_path / "newswatch.yaml"
    bad.write_text("fetch:\n  max_bytes: -5\n", encoding="utf-8")
    proc = newswatch("run", "--once", "--config", str(bad), "--db", str(tmp_path / "x.duckdb"))
    assert proc.returncode == 2
    assert str(bad) in proc.stderr and "fetch.max_bytes" in proc.stderr
    assert not (tmp_path / "x.duckdb").exists()  # failed before any work


def test_unknown_topic_and_missing_warehouse_are_clear(offline_config, tmp_path):
    proc = newswatch(
        "trends",
        "--topic",
        "nope",
        "--config",
        str(offline_config),
        "--db",
        str(tmp_path / "none.duckdb"),
    )
    assert proc.returncode == 2 and "no topic named 'nope'" in proc.stderr
    proc = newswatch("feeds", "--config", str(offline_config), "--db", str(tmp_path / "none.db"))
    assert proc.returncode == 1 and "no warehouse here yet" in proc.stderr


def test_locked_warehouse_is_a_clean_failure(offline_config, tmp_path):
    db = tmp_path / "locked.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,sys,time; c=duckdb.connect({str(db)!r}); print('ok', flush=True); "
            "sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        proc = newswatch("run", "--once", "--config", str(offline_config), "--db", str(db))
        assert proc.returncode == 1
        assert "cannot open DuckDB file" in proc.stderr
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)


def test_every_sql_example_in_the_warehouse_docs_runs(loaded):
    db, _ = loaded
    blocks = re.findall(r"```sql\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) >= 6
    with duckdb.connect(str(db), read_only=True) as con:
        for sql in blocks:
            cur = con.execute(sql)
            rows = cur.fetchall()
            # Each example answers on the sample: rows, with named columns, not an empty table.
            assert rows, sql
            assert all(d[0] for d in cur.description or []), sql
        top = con.execute(blocks[0]).fetchall()
        assert top[0][0] in {"Collective Security Treaty Organization", "Kazakhstan"}


def test_sql_command_formats_and_bad_sql(loaded, offline_config):
    db, _ = loaded
    base = ("--config", str(offline_config), "--db", str(db))
    proc = newswatch("sql", "SELECT count(*) AS n FROM articles", *base)
    assert proc.returncode == 0, proc.stderr
    assert re.search(rf"│\s*{LABELS.on_topic}\s*│", proc.stdout)
    proc = newswatch(
        "sql", "SELECT name FROM entities ORDER BY name", "--format", "csv", "--limit", "2", *base
    )
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 3
    proc = newswatch("sql", "SELECT 1 AS one", "-f", "json", *base)
    assert proc.returncode == 0 and '"one": 1' in proc.stdout
    proc = newswatch("sql", "SELEKT nope", *base)
    assert proc.returncode == 2 and "SQL error" in proc.stderr
    proc = newswatch("sql", "DELETE FROM articles", *base)
    assert proc.returncode == 2 and "only SELECT" in proc.stderr


def test_sql_command_reads_no_file_and_writes_none_however_wrapped(
    loaded, offline_config, tmp_path
):
    """The secret in the process environment, files beside the warehouse and the warehouse
    file itself are out of reach of `newswatch sql`."""
    db, _ = loaded
    base = ("--config", str(offline_config), "--db", str(db))
    secret = "https://hooks.slack.com/services/T0/B0/sekret-token-42"
    env = {"NEWSWATCH_SLACK_URL": secret}
    before = db.read_bytes()
    out = tmp_path / "stolen.csv"
    for statement in (
        "SELECT * FROM read_text('/proc/self/environ')",
        "SELECT * FROM read_csv('/proc/self/environ', header=false, sep='\x01')",
        "EXPLAIN ANALYZE SELECT * FROM read_text('/proc/self/environ')",
        f"EXPLAIN ANALYZE COPY (SELECT 1) TO '{out}'",
        f"EXPLAIN ANALYZE COPY (SELECT 'gone') TO '{db}'",
        "EXPLAIN ANALYZE SET enable_external_access = true",
        f"EXPLAIN ANALYZE SELECT * FROM query('ATTACH ''{tmp_path / 'x.duckdb'}'' AS x')",
    ):
        proc = newswatch("sql", statement, *base, env=env)
        assert proc.returncode == 2, (statement, proc.stdout, proc.stderr)
        assert "SQL error" in proc.stderr
        assert "sekret" not in proc.stdout + proc.stderr
    assert not out.exists() and not (tmp_path / "x.duckdb").exists()
    assert db.read_bytes() == before
    assert newswatch("sql", "SELECT count(*) FROM articles", *base).returncode == 0


def test_sql_prompt_reads_until_semicolon(loaded, offline_config):
    db, _ = loaded
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "newswatch",
            "sql",
            "--config",
            str(offline_config),
            "--db",
            str(db),
            "-f",
            "csv",
        ],
        input="SELECT count(*)\nAS n FROM articles;\nSELEKT;\n.quit\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert proc.returncode == 0, proc.stderr
    assert f"n\n{LABELS.on_topic}\n" in proc.stdout and "SQL error" in proc.stderr


def test_trend_export_and_report_commands(loaded, offline_config, tmp_path):
    db, _ = loaded
    base = ("--config", str(offline_config), "--db", str(db))
    proc = newswatch("trend", "kassym-jomart tokayev", "--days", "20", *base)
    assert proc.returncode == 0, proc.stderr
    assert "Kassym-Jomart Tokayev (PERSON)" in proc.stdout and "2022-01-07" in proc.stdout
    assert newswatch("trend", "Nobody At All", *base).returncode == 2

    proc = newswatch("export", str(tmp_path / "pq"), *base)
    assert proc.returncode == 0, proc.stderr
    assert re.search(rf"articles\s*│\s*{LABELS.on_topic}\b", proc.stdout)
    with duckdb.connect() as con:
        n = con.execute(
            f"SELECT count(*) FROM read_parquet('{tmp_path}/pq/articles/*/*.parquet', "
            "hive_partitioning=true)"
        ).fetchone()[0]
    assert n == LABELS.on_topic
    assert newswatch("export", str(tmp_path / "pq"), "--since", "Jan 6", *base).returncode == 2

    out = tmp_path / "r" / "report.html"
    proc = newswatch("report", "--out", str(out), "--topic", "csto", *base)
    assert proc.returncode == 0, proc.stderr
    assert "Top entities: stories per day" in out.read_text(encoding="utf-8")
