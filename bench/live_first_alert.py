"""Seconds from starting the live monitor (`newswatch live`) to the first alert, offline.

Starts `newswatch live` on free ports with a fresh Airflow home, warehouse and alert file, using
the shipped config (sample archive plus public feeds that fail without internet), waits for the
first line in the JSON-lines alert file, then stops it with SIGINT and checks the ports are free.
Run: .venv/bin/python bench/live_first_alert.py
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def live_command(work: Path, port: int, log_port: int) -> list[str]:
    """`newswatch live` on these ports with its Airflow home under `work`."""
    return [
        str(Path(sys.executable).with_name("newswatch")),
        "live",
        "--port",
        str(port),
        "--log-port",
        str(log_port),
        "--airflow-home",
        str(work / "airflow_home"),
    ]


def main() -> None:
    """Measure and print."""
    work = Path(tempfile.mkdtemp(prefix="nw-live-"))
    port, log_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSWATCH", "AIRFLOW"))}
    env.update(
        {
            "NEWSWATCH_DB": str(work / "nw.duckdb"),
            "NEWSWATCH__AIRFLOW__STAGING_DIR": str(work / "staging"),
        }
    )
    alerts = ROOT / "data" / "alerts.jsonl"
    before = alerts.read_text(encoding="utf-8").count("\n") if alerts.exists() else 0
    start = time.monotonic()
    proc = subprocess.Popen(
        live_command(work, port, log_port),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    first = None
    try:
        while time.monotonic() - start < 600 and proc.poll() is None:
            if alerts.exists() and alerts.read_text(encoding="utf-8").count("\n") > before:
                first = time.monotonic() - start
                break
            time.sleep(1)
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=120)
    print(out[-1500:])
    free = all(socket.socket().connect_ex(("127.0.0.1", p)) != 0 for p in (port, log_port))
    lines = alerts.read_text(encoding="utf-8").count("\n") - before if alerts.exists() else 0
    print(f"first alert after: {first:.0f} s" if first else "no alert within 600 s")
    print(f"alert lines written: {lines}; exit code {proc.returncode}; ports free: {free}")


if __name__ == "__main__":
    main()
