"""The explorer inside a real Airflow: `airflow api-server` (SQLite metadata DB, the simple auth
manager) with newswatch's plugins folder serves the explorer at /newswatch/ on its own address,
lists its navigation entry, and lets through only requests with an Airflow login (a bearer
token or the UI's `_token` cookie)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.newswatch.test_web import load

ROOT = Path(__file__).resolve().parents[2]
AIRFLOW = Path(sys.executable).with_name("airflow")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def airflow(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """A running api-server with the plugin, a user `analyst`, and a newswatch snapshot."""
    home = tmp_path_factory.mktemp("airflow_api")
    db, snap = home / "nw.duckdb", home / "nw-analyst.duckdb"
    load(db, snap)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("NEWSWATCH", "AIRFLOW"))},
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "false",
        "AIRFLOW__CORE__DAGS_FOLDER": str(home / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "analyst:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "false",
        "NEWSWATCH_DB": str(db),
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(
        [str(AIRFLOW), "db", "migrate"], env=env, check=True, capture_output=True, timeout=300
    )
    port = _free_port()
    log = (home / "api-server.log").open("wb")
    server = subprocess.Popen(
        [str(AIRFLOW), "api-server", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its workers are stopped with it
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/api/v2/monitor/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None, (home / "api-server.log").read_text()[-3000:]
            time.sleep(1)
        else:
            pytest.fail("api-server did not answer in 180 s")
        yield base, home
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


def _token(base: str, home: Path) -> str:
    """A JWT for `analyst`, from the password the simple auth manager generated."""
    passwords = json.loads((home / "simple_auth_manager_passwords.json.generated").read_text())
    reply = httpx.post(
        f"{base}/auth/token", json={"username": "analyst", "password": passwords["analyst"]}
    )
    assert reply.status_code in (200, 201), reply.text
    return str(reply.json()["access_token"])


@pytest.mark.e2e
def test_airflow_serves_the_explorer_behind_its_login(airflow) -> None:
    base, home = airflow
    assert httpx.get(f"{base}/newswatch/").status_code == 401
    assert httpx.get(f"{base}/newswatch/", headers={"Authorization": "Bearer x"}).status_code in (
        401,
        403,
    )
    token = _token(base, home)
    page = httpx.get(f"{base}/newswatch/", headers={"Authorization": f"Bearer {token}"})
    assert page.status_code == 200 and "<title>Overview · newswatch</title>" in page.text
    assert 'href="/newswatch/static/explorer.css"' in page.text  # links keep the prefix
    found = httpx.get(f"{base}/newswatch/search?q=troops", cookies={"_token": token})
    assert found.status_code == 200 and "Paratroopers" not in found.text  # whole words
    assert "Troops" in found.text
    plugins = httpx.get(f"{base}/api/v2/plugins", headers={"Authorization": f"Bearer {token}"})
    [plugin] = [p for p in plugins.json()["plugins"] if p["name"] == "newswatch_explorer"]
    assert [(v["name"], v["href"]) for v in plugin["external_views"]] == [
        ("newswatch explorer", "newswatch/")
    ]
