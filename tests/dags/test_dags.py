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

from samples.build import labels

SAMPLE = labels()  # the sample corpus's labelled on- and off-topic counts

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
    assert set(dags) >= {"newswatch_ingest", "newswatch_stream", "newswatch_alerts"}
    for dag in dags.values():
        assert "newswatch" in dag["tags"]
        assert dag["owners"] == ["newswatch"] and min(dag["retries"]) >= 1
        assert dag["max_active_runs"] == 1 and dag["catchup"] is False
    pools = dags["newswatch_ingest"]["pools"]
    # Exactly the warehouse tasks share the one-slot pool; network and NER tasks do not.
    assert {t for t, p in pools.items() if p == "newswatch_warehouse"} == {
        "prepare",
        "select",
        "stories",
        "load",
    }
    # Event mode (the default): the stream DAG runs on the feed watcher's asset, and the
    # ingest DAG is the hourly fallback.
    assert dags["newswatch_stream"]["pools"] == {"ingest_and_alert": "newswatch_warehouse"}
    assert "newswatch-feeds" in dags["newswatch_stream"]["schedule"]
    assert "expression='0 * * * *'" in dags["newswatch_ingest"]["schedule"]  # @hourly
    # The backfill runs when triggered; its file tasks write, so they share the pool.
    assert dags["newswatch_backfill"]["pools"]["backfill_file"] == "newswatch_warehouse"
    assert dags["newswatch_backfill"]["pools"]["files"] != "newswatch_warehouse"


def test_cron_mode_schedules_ingest_and_leaves_the_stream_dag_alone(airflow_env):
    env = {
        **airflow_env,
        "NEWSWATCH__AIRFLOW__MODE": "cron",
        "NEWSWATCH__AIRFLOW__SCHEDULE": "*/5 * * * *",
    }
    dags = drive(env, "integrity")["dags"]
    assert "expression='*/5 * * * *'" in dags["newswatch_ingest"]["schedule"]
    assert "newswatch-feeds" not in dags["newswatch_stream"]["schedule"]


def test_airflow_settings_reach_every_dag_from_the_yaml_and_env_overrides_them(
    airflow_env, tmp_path
):
    # One source for every DAG: the config file the CLI reads, with NEWSWATCH__* over it.
    config = tmp_path / "newswatch.yaml"
    config.write_text(
        "airflow:\n  pool: nw_custom_pool\n  retries: 4\n  retry_delay_seconds: 7\n"
        "  mode: cron\n  schedule: '*/7 * * * *'\n",
        encoding="utf-8",
    )
    env = {**airflow_env, "NEWSWATCH_CONFIG": str(config)}
    dags = drive(env, "integrity")["dags"]
    assert set(dags) == {
        "newswatch_ingest",
        "newswatch_stream",
        "newswatch_alerts",
        "newswatch_report",
        "newswatch_backfill",
    }
    for dag_id, dag in dags.items():
        assert dag["retries"] == [4] and dag["retry_delays"] == [7.0], dag_id
        # Every task that opens the warehouse is in the configured pool, in every DAG.
        assert "nw_custom_pool" in dag["pools"].values(), dag_id
        assert "newswatch_warehouse" not in dag["pools"].values(), dag_id
    assert "expression='*/7 * * * *'" in dags["newswatch_ingest"]["schedule"]

    over = drive({**env, "NEWSWATCH__AIRFLOW__RETRIES": "1"}, "integrity")["dags"]
    assert all(d["retries"] == [1] for d in over.values())


@pytest.mark.e2e
def test_ingest_dag_loads_sample_from_local_http_and_reruns_idempotently(
    airflow_env, sample_site, tmp_path, make_config
):
    config = make_config(
        f"  - {{name: rss, url: '{sample_site.url('/feeds/rss.xml')}'}}\n"
        f"  - {{name: atom, url: '{sample_site.url('/feeds/atom.xml')}'}}\n"
    )
    db = tmp_path / "nw.duckdb"
    env = {
        **airflow_env,
        "NEWSWATCH_CONFIG": str(config),
        "NEWSWATCH_DB": str(db),
        "NEWSWATCH__AIRFLOW__STAGING_DIR": str(tmp_path / "staging"),
        "NEWSWATCH__AIRFLOW__BATCH_SIZE": "8",
        # The rerun comes seconds later: make the feeds due again (docs/reliability.md).
        "NEWSWATCH__POLL__MIN_INTERVAL_MINUTES": "0.01",
    }

    out = drive(env, "test", "newswatch_ingest")
    assert out["state"] == "success", out
    tasks = out["tasks"]
    assert tasks["poll[0]"] == tasks["poll[1]"] == "success"
    batches = -(-SAMPLE.items // 8)  # every item, eight to a batch
    assert {k for k in tasks if k.startswith("process[")} == {
        f"process[{i}]" for i in range(batches)
    }
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == SAMPLE.on_topic
        first = con.execute("SELECT count(*) FROM mentions").fetchone()[0]
        assert con.execute("SELECT status, stored, offtopic FROM runs").fetchall() == [
            ("completed", SAMPLE.on_topic, SAMPLE.off_topic)
        ]
    assert not any((tmp_path / "staging").iterdir())  # staging cleared after the load

    again = drive(env, "test", "newswatch_ingest")
    assert again["state"] == "success"
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == SAMPLE.on_topic
        assert con.execute("SELECT count(*) FROM mentions").fetchone()[0] == first
    assert sample_site.headers_seen("/feeds/rss.xml")[-1].get("If-None-Match")


@pytest.mark.e2e
def test_alerts_dag_signed_webhook_once_and_after_an_outage(
    airflow_env, sample_site, tmp_path, make_config
):
    from alerts.channels import verify_signature

    secret = "test-secret-7f3a"
    received: list[dict] = []
    state = {"up": False}
    Reply = sample_site.Reply

    def hook(request):
        body = request.raw.rfile.read(int(request.headers["Content-Length"]))
        if not state["up"]:
            return Reply(503, b"down")
        ok = verify_signature(
            secret,
            request.headers["X-Newswatch-Timestamp"],
            body,
            request.headers["X-Newswatch-Signature"],
        )
        received.append({"ok": ok, **json.loads(body)})
        return Reply(200 if ok else 401, b"")

    sample_site.route("/hook", handler=hook)
    config = make_config(
        f"  - {{name: rss, url: '{sample_site.url('/feeds/rss.xml')}'}}\n"
        f"  - {{name: atom, url: '{sample_site.url('/feeds/atom.xml')}'}}\n",
        "alerts:\n  backoff_initial: 0\n  channels:\n"
        "    - {kind: webhook, name: hook, conn_id: newswatch_webhook}\n"
        f"    - {{kind: jsonl, path: '{tmp_path / 'alerts.jsonl'}'}}\n",
    )
    db = tmp_path / "nw.duckdb"
    # The webhook's URL and secret come from an Airflow connection (here defined by env var).
    conn = json.dumps({"conn_type": "http", "host": sample_site.url("/hook"), "password": secret})
    env = {
        **airflow_env,
        "NEWSWATCH_CONFIG": str(config),
        "NEWSWATCH_DB": str(db),
        "NEWSWATCH__AIRFLOW__STAGING_DIR": str(tmp_path / "staging"),
        "AIRFLOW_CONN_NEWSWATCH_WEBHOOK": conn,
    }
    assert drive(env, "test", "newswatch_ingest")["state"] == "success"

    with duckdb.connect(str(db), read_only=True) as con:
        # First mentions count original reports only; watched entities once per story.
        firsts = con.execute(
            "SELECT count(DISTINCT e.entity_id) FROM mentions m JOIN entities e USING (entity_id) "
            "JOIN topic_matches t USING (article_key) JOIN articles a USING (article_key) "
            "WHERE t.topic = 'csto' AND e.label IN ('PERSON', 'ORG', 'GPE') AND a.copy_of IS NULL"
        ).fetchone()[0]
        watched = con.execute(
            "SELECT count(DISTINCT (e.entity_id, a.story_key)) FROM mentions m "
            "JOIN entities e USING (entity_id) JOIN articles a USING (article_key) WHERE e.name IN "
            "('Collective Security Treaty Organization', 'Kassym-Jomart Tokayev', "
            "'Vladimir Putin', 'Karim Massimov')"
        ).fetchone()[0]
        assert con.execute("SELECT count(*) FROM stories").fetchone()[0] == SAMPLE.reports
    expected = firsts + watched

    # Receiver down: the run succeeds, nothing is accepted, every webhook delivery waits.
    assert drive(env, "test", "newswatch_alerts")["state"] == "success"
    assert received == []
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM alerts").fetchone()[0] == expected
        rows = con.execute(
            "SELECT status, count(*) FROM deliveries WHERE channel='hook' GROUP BY status"
        ).fetchall()
        assert rows == [("pending", expected)]
    assert (tmp_path / "alerts.jsonl").read_text(encoding="utf-8").count("\n") == expected

    # Receiver back: every alert arrives once, correctly signed.
    state["up"] = True
    assert drive(env, "test", "newswatch_alerts")["state"] == "success"
    assert len(received) == expected and all(r["ok"] for r in received)
    assert len({r["alert_key"] for r in received}) == expected
    assert {r["rule"] for r in received} == {"first_mention", "watched_entity"}

    # Nothing new happened: nothing is sent again.
    assert drive(env, "test", "newswatch_alerts")["state"] == "success"
    assert len(received) == expected


@pytest.mark.e2e
def test_backfill_by_date_range_over_the_archive_is_idempotent(airflow_env, tmp_path, make_config):
    import yaml

    sample = ROOT / "samples" / "csto-2022"
    config = make_config(f"  - {{name: archive, kind: archive, path: '{sample}'}}\n")
    db = tmp_path / "nw.duckdb"
    env = {
        **airflow_env,
        "NEWSWATCH_CONFIG": str(config),
        "NEWSWATCH_DB": str(db),
        "NEWSWATCH__AIRFLOW__STAGING_DIR": str(tmp_path / "staging"),
    }
    truth = yaml.safe_load((sample / "articles.yaml").read_text(encoding="utf-8"))
    in_range = sum(
        1 for a in truth if a["on_topic"] and "2022-01-06" <= a["published"][:10] < "2022-01-09"
    )
    conf = json.dumps({"since": "2022-01-06", "until": "2022-01-09"})

    def articles() -> list:
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute("SELECT article_key, published FROM articles ORDER BY 1").fetchall()

    assert drive(env, "test", "newswatch_ingest", conf)["state"] == "success"
    first = articles()
    assert 0 < len(first) == in_range < SAMPLE.on_topic
    assert all("2022-01-06" <= str(p)[:10] < "2022-01-09" for _, p in first)
    assert drive(env, "test", "newswatch_ingest", conf)["state"] == "success"
    assert articles() == first  # the same range again changes nothing
    assert drive(env, "test", "newswatch_ingest")["state"] == "success"
    assert len(articles()) == SAMPLE.on_topic  # the rest arrives with an unbounded run


@pytest.mark.e2e
def test_backfill_dag_reads_each_warc_in_its_own_task_and_reruns_change_nothing(
    airflow_env, tmp_path, make_config
):
    from bench.warcgen import sample_records, write_warc

    records = sample_records()
    first = write_warc(tmp_path / "crawl-1.warc.gz", records[:12])
    write_warc(tmp_path / "crawl-2.warc.gz", records[12:])
    config = make_config(f"  - {{name: cc, kind: warc, path: '{tmp_path}/crawl-*.warc.gz'}}\n")
    db = tmp_path / "nw.duckdb"
    env = {**airflow_env, "NEWSWATCH_CONFIG": str(config), "NEWSWATCH_DB": str(db)}

    out = drive(env, "test", "newswatch_backfill")
    assert out["state"] == "success", out
    assert {k: v for k, v in out["tasks"].items() if k.startswith("backfill_file")} == {
        "backfill_file[0]": "success",
        "backfill_file[1]": "success",
    }

    def stored() -> list:
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute("SELECT article_key, source FROM articles ORDER BY 1").fetchall()

    articles = stored()
    assert len(articles) == SAMPLE.on_topic and {s for _, s in articles} == {"cc"}
    with duckdb.connect(str(db), read_only=True) as con:
        files = con.execute("SELECT path, status FROM warc_files ORDER BY 1").fetchall()
    assert [(Path(p).name, s) for p, s in files] == [
        ("crawl-1.warc.gz", "done"),
        ("crawl-2.warc.gz", "done"),
    ]
    # A run for one file by path, with a window, then everything again: nothing doubles.
    conf = json.dumps({"paths": [str(first)], "since": "2022-01-06", "until": "2022-01-09"})
    assert drive(env, "test", "newswatch_backfill", conf)["state"] == "success"
    assert drive(env, "test", "newswatch_backfill")["state"] == "success"
    assert stored() == articles
