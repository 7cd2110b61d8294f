"""The Airflow DAGs, run by real Airflow (`dag.test()`) on a temporary SQLite metadata DB.

Each Airflow step runs in its own process, because Airflow reads AIRFLOW_HOME once at import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("airflow_driver.py")
AIRFLOW = Path(sys.executable).with_name("airflow")


@pytest.fixture(scope="module")
def airflow_env(tmp_path_factory) -> dict[str, str]:
    """An AIRFLOW_HOME with a migrated SQLite metadata DB."""
    home = tmp_path_factory.mktemp("airflow_home")
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "false",
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__UNIT_TEST_MODE": "false",
    }
    subprocess.run(
        [str(AIRFLOW), "db", "migrate"], env=env, check=True, capture_output=True, timeout=300
    )
    return env


def drive(env: dict[str, str], *args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, str(DRIVER), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(lines[-1][len("RESULT ") :])


def test_dags_parse_cleanly_and_are_configured(airflow_env):
    out = drive(airflow_env, "integrity")
    assert out["errors"] == {}
    assert out["parse_time_io"] == [] and out["heavy_imports"] == []
    dags = out["dags"]
    assert set(dags) >= {"newswatch_ingest", "newswatch_alerts"}
    for dag in dags.values():
        assert "newswatch" in dag["tags"]
        assert dag["owners"] == ["newswatch"] and min(dag["retries"]) >= 1
        assert dag["max_active_runs"] == 1 and dag["catchup"] is False
    pools = dags["newswatch_ingest"]["pools"]
    # Exactly the warehouse tasks share the one-slot pool; network and NER tasks do not.
    assert {t for t, p in pools.items() if p == "newswatch_warehouse"} == {
        "prepare",
        "select",
        "load",
    }


@pytest.mark.e2e
def test_ingest_dag_loads_sample_from_local_http_and_reruns_idempotently(
    airflow_env, sample_site, tmp_path
):
    config = tmp_path / "config"
    (config / "topics").mkdir(parents=True)
    (config / "topics" / "csto.yaml").write_text(
        (ROOT / "config" / "topics" / "csto.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    main = (ROOT / "config" / "newswatch.yaml").read_text(encoding="utf-8")
    main = main[: main.index("sources:")] + (
        "sources:\n"
        f"  - {{name: rss, url: '{sample_site.url('/feeds/rss.xml')}'}}\n"
        f"  - {{name: atom, url: '{sample_site.url('/feeds/atom.xml')}'}}\n"
    )
    (config / "newswatch.yaml").write_text(main, encoding="utf-8")
    db = tmp_path / "nw.duckdb"
    env = {
        **airflow_env,
        "NEWSWATCH_CONFIG": str(config),
        "NEWSWATCH_DB": str(db),
        "NEWSWATCH__AIRFLOW__STAGING_DIR": str(tmp_path / "staging"),
        "NEWSWATCH__AIRFLOW__BATCH_SIZE": "8",
    }

    out = drive(env, "test", "newswatch_ingest")
    assert out["state"] == "success", out
    tasks = out["tasks"]
    assert tasks["poll[0]"] == tasks["poll[1]"] == "success"
    assert {k for k in tasks if k.startswith("process[")} == {
        "process[0]",
        "process[1]",
        "process[2]",
    }  # 17 items / 8
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 14
        first = con.execute("SELECT count(*) FROM mentions").fetchone()[0]
        assert con.execute("SELECT status, stored, offtopic FROM runs").fetchall() == [
            ("completed", 14, 3)
        ]
    assert not any((tmp_path / "staging").iterdir())  # staging cleared after the load

    again = drive(env, "test", "newswatch_ingest")
    assert again["state"] == "success"
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 14
        assert con.execute("SELECT count(*) FROM mentions").fetchone()[0] == first
    assert sample_site.headers_seen("/feeds/rss.xml")[-1].get("If-None-Match")
