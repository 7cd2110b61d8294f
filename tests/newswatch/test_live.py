"""`newswatch live` (what `make run` starts): real Airflow standalone, offline sample, Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_live_monitor_writes_alerts_and_ctrl_c_stops_everything(tmp_path, make_config):
    alerts = tmp_path / "alerts.jsonl"
    config = make_config(
        f"  - {{name: sample, kind: archive, path: '{ROOT / 'samples' / 'csto-2022'}'}}\n",
        f"alerts:\n  channels:\n    - {{kind: jsonl, path: '{alerts}'}}\n",
    )
    port, log_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSWATCH", "AIRFLOW"))}
    env.update(
        {
            "NEWSWATCH_CONFIG": str(config),
            "NEWSWATCH_DB": str(tmp_path / "nw.duckdb"),
            "NEWSWATCH__AIRFLOW__STAGING_DIR": str(tmp_path / "staging"),
            "COLUMNS": "200",
        }
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "newswatch",
            "live",
            "--port",
            str(port),
            "--log-port",
            str(log_port),
            "--airflow-home",
            str(tmp_path / "airflow_home"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 420
        while time.monotonic() < deadline and proc.poll() is None:
            if alerts.exists() and alerts.read_text(encoding="utf-8").count("\n") > 0:
                break
            time.sleep(2)
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        assert alerts.exists(), (tmp_path / "airflow_home" / "standalone.log").read_text()[-5000:]
        assert listening(port)
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, out
    assert f"http://localhost:{port}" in out
    assert "simple_auth_manager_passwords.json.generated" in out
    assert str(alerts) in out and "nw.duckdb" in out
    assert "are free" in out
    assert not listening(port) and not listening(log_port)
    # No process of this run is left: every one of them had this Airflow home in its environment.
    marker = f"AIRFLOW_HOME={tmp_path / 'airflow_home'}".encode()
    leftovers = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    leftovers.append(entry.name)
            except OSError:
                continue
    assert leftovers == []


def test_airflow_processes_read_the_config_live_was_started_with(tmp_path):
    from newswatch.live import LiveConfig, airflow_env
    from newswatch.settings import load_settings

    settings = load_settings(env={})
    base = {"home": tmp_path, "port": 8080, "parallelism": 2, "log": tmp_path / "log"}
    chosen = airflow_env(LiveConfig(**base, config=tmp_path / "conf"), settings)
    assert chosen["NEWSWATCH_CONFIG"] == str((tmp_path / "conf").resolve())
    # Airflow settings are not copied into variables: the DAGs read them from that config.
    assert not any(
        k.startswith("NEWSWATCH__AIRFLOW__") and k != "NEWSWATCH__AIRFLOW__STAGING_DIR"
        for k in chosen
        if k not in os.environ
    )
