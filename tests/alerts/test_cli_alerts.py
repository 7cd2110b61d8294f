"""`newswatch alerts`: evaluate and deliver from the command line, counts in a table."""

import json
from datetime import datetime

from typer.testing import CliRunner

from newswatch.cli import app
from warehouse.records import LoadBatch
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
    second = runner.invoke(app, ["alerts", "--config", str(config), "--db", str(db)])
    assert second.exit_code == 0
    assert len(out.read_text().splitlines()) == 2


def test_alerts_command_config_error_exits_2(tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("alerts:\n  channels: [{kind: pigeon}]\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["alerts", "--config", str(config)])
    assert result.exit_code == 2
