"""The Airflow plugin that mounts the explorer: it loads without reading anything, registers
the app at /newswatch with a navigation entry, refuses requests without an Airflow login, and
under the prefix every link and script of the explorer keeps the prefix."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.newswatch.test_web import load

PLUGIN = Path(__file__).resolve().parents[2] / "plugins" / "newswatch_explorer.py"


@pytest.fixture(scope="module")
def plugin():
    spec = importlib.util.spec_from_file_location("newswatch_explorer_plugin", PLUGIN)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_plugin_registers_the_app_and_a_nav_entry_without_reading_config(plugin, monkeypatch):
    [app] = plugin.NewswatchExplorerPlugin.fastapi_apps
    assert app["url_prefix"] == "/newswatch"
    [view] = plugin.NewswatchExplorerPlugin.external_views
    assert view["href"] == "newswatch/" and view["destination"] == "nav"
    assert plugin._snapshot.cache_info().currsize == 0  # settings not loaded at import


def test_without_an_airflow_login_nothing_is_served(plugin):
    client = TestClient(plugin.explorer_app())
    for path in ("/", "/static/vega.js", "/api/suggest?prefix=a"):
        response = client.get(path)
        assert response.status_code == 401 and "log in to Airflow" in response.text


def test_under_the_prefix_links_keep_it(plugin, monkeypatch, tmp_path):
    from fastapi import FastAPI

    db, snap = tmp_path / "nw.duckdb", tmp_path / "snap.duckdb"
    load(db, snap)
    plugin._snapshot.cache_clear()
    monkeypatch.setattr(plugin, "_snapshot", lambda: snap)
    root = FastAPI()
    root.mount("/newswatch", plugin.explorer_app(require_login=False))
    html = TestClient(root).get("/newswatch/").text
    assert 'src="/newswatch/static/vega.js"' in html
    assert 'href="/newswatch/entity?' in html
    assert TestClient(root).get("/newswatch/static/explorer.js").status_code == 200
