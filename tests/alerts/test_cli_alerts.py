"""`newswatch alerts`: evaluate and deliver from the command line, counts in a table."""

import json
from datetime import datetime

from typer.testing import CliRunner

from newswatch.cli import app
from warehouse.records import LoadBatch
from warehouse.snapshot import publish_snapshot
from warehouse.store import Warehouse

T0 = datetime(2022, 1, 10, 12, 0)


def test_alerts_command_evaluates_delivers_and_prints_counts(tmp_path, article, monkeypatch):
    monkeypatch.delenv("NEWSWATCH_DB", raising=False)
    monkeypatch.setenv("COLUMNS", "120")
    out = tmp_path / "alerts.jsonl"
    config = tmp_path / "newswatch.yaml"
    config.write_text(
        "topics:\n"
        "  - name: csto\n"
        "    gazetteer: [{name: Karim Massimov, label: PERSON}]\n"
        "    watchlist: [Karim Massimov]\n"
        "alerts:\n"
        f"  channels: [{{kind: jsonl, path: '{out}'}}]\n",
        encoding="utf-8",
    )
    db = tmp_path / "nw.duckdb"
    with Warehouse(db) as wh:
        wh.load(LoadBatch("r", articles=[article("a1", T0, {("Karim Massimov", "PERSON"): 1})]))
        publish_snapshot(wh, tmp_path / "nw-analyst.duckdb")  # as the run that loaded it does
    runner = CliRunner()
    first = runner.invoke(app, ["alerts", "--config", str(config), "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert "new alerts" in first.output
    rows = {
        line.strip("│ ").split("│")[0].strip(): line.split("│")[2].strip()
        for line in first.output.splitlines()
        if line.count("│") == 3
    }
    assert rows["new alerts"] == "2"  # first mention + watched entity
    assert rows["deliveries sent"] == "2"
    assert rows["deliveries pending"] == "0"
    rules = sorted(json.loads(line)["rule"] for line in out.read_text().splitlines())
    assert rules == ["first_mention", "watched_entity"]
    # Analysts see the deliveries at once: the pass republished the analyst snapshot.
    assert "analyst snapshot" in first.output and "published, up to date" in first.output
    sql = "SELECT count(*) FROM deliveries WHERE status = 'sent'"
    shown = runner.invoke(app, ["sql", sql, "--config", str(config), "--db", str(db), "-f", "csv"])
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines()[-1] == "2"
    second = runner.invoke(app, ["alerts", "--config", str(config), "--db", str(db)])
    assert second.exit_code == 0
    assert len(out.read_text().splitlines()) == 2


def test_a_throttled_snapshot_is_said_so(tmp_path, article, monkeypatch):
    monkeypatch.delenv("NEWSWATCH_DB", raising=False)
    config = tmp_path / "newswatch.yaml"
    config.write_text("analyst: {min_interval_seconds: 3600}\n", encoding="utf-8")
    db = tmp_path / "nw.duckdb"
    with Warehouse(db) as wh:
        wh.load(LoadBatch("r", articles=[article("a1", T0, {("Karim Massimov", "PERSON"): 1})]))
    runner = CliRunner()
    first = runner.invoke(app, ["alerts", "--config", str(config), "--db", str(db)])
    assert "published, up to date" in first.output, first.output
    second = runner.invoke(app, ["alerts", "--config", str(config), "--db", str(db)])
    assert "not republished" in second.output and "min_interval_seconds is 3600" in second.output


def test_alerts_command_config_error_exits_2(tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("alerts:\n  channels: [{kind: pigeon}]\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["alerts", "--config", str(config)])
    assert result.exit_code == 2
