"""`newswatch sql` never reaches the network: DuckDB's automatic extension install and load
are off on every newswatch connection, and analyst SQL runs confined, so a query naming an
http URL is refused and the (real, local) server it names gets no request."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.httpserver import LocalServer
from newswatch.cli import app
from warehouse.store import Warehouse

QUERIES = [
    "SELECT * FROM read_csv('{url}')",
    "SELECT * FROM read_json_auto('{url}')",
    "SELECT * FROM read_parquet('{url}')",
    "SELECT * FROM '{url}'",
    "SELECT content FROM read_text('{url}')",
]


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    db = tmp_path / "nw.duckdb"
    Warehouse(db).close()
    return db


@pytest.mark.parametrize("template", QUERIES)
def test_a_url_in_analyst_sql_is_refused(template, warehouse, local_server: LocalServer) -> None:
    local_server.route("/data.csv", body=b"a,b\n1,2\n", headers={"Content-Type": "text/csv"})
    url = local_server.url("/data.csv")
    result = CliRunner().invoke(
        app, ["sql", template.format(url=url), "--db", str(warehouse), "-f", "csv"]
    )
    assert result.exit_code == 2, result.output
    assert "SQL error" in result.output
    assert local_server.counts.get("/data.csv", 0) == 0  # nothing was fetched


def test_no_connection_installs_or_loads_extensions_by_itself(warehouse) -> None:
    settings = (
        "SELECT current_setting('autoinstall_known_extensions'), "
        "current_setting('autoload_known_extensions')"
    )
    result = CliRunner().invoke(app, ["sql", settings, "--db", str(warehouse), "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "False,False"
    with Warehouse(warehouse) as wh:  # the writer's connection too
        assert wh.conn.execute(settings).fetchone() == (False, False)
