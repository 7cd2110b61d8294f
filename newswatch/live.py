"""`newswatch live`: run the monitor under a local Airflow (standalone) until Ctrl-C.

Airflow's home lives in the project (`airflow_home/`, ignored by git) on SQLite; the newswatch
DAGs are unpaused; every process started here is in one process group that Ctrl-C ends.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from newswatch.settings import PROJECT_ROOT, Settings

POOL_DESCRIPTION = "newswatch: one writer for the DuckDB warehouse"
DAG_IDS = ("newswatch_ingest", "newswatch_stream", "newswatch_alerts")


@dataclass(frozen=True)
class LiveConfig:
    """Where the live monitor keeps Airflow and how it reaches it."""

    home: Path
    port: int
    parallelism: int
    log: Path
    log_port: int = 8793  # Airflow's task-log server
    # The config the monitor was started with: DAGs and tasks read the same (None: config/).
    config: Path | None = None

    @property
    def url(self) -> str:
        """The UI and API address."""
        return f"http://localhost:{self.port}"

    @property
    def passwords(self) -> Path:
        """Where Airflow's simple auth manager writes the admin password."""
        return self.home / "simple_auth_manager_passwords.json.generated"


def airflow_env(cfg: LiveConfig, settings: Settings) -> dict[str, str]:
    """The environment for every Airflow process: project-local, small, unpaused, absolute paths."""
    env = dict(os.environ)
    # `airflow standalone` starts its components as `airflow ...` found on PATH.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(
        {
            "AIRFLOW_HOME": str(cfg.home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
            # The explorer, mounted at /newswatch/ of the Airflow UI (plugins/).
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT_ROOT / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "false",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "true",
            "AIRFLOW__CORE__PARALLELISM": str(cfg.parallelism),
            "AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG": str(cfg.parallelism),
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{cfg.url}/execution/",
            "AIRFLOW__API__PORT": str(cfg.port),
            "AIRFLOW__API__BASE_URL": cfg.url,
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(cfg.log_port),
            # New DAG files are picked up within a few seconds instead of minutes.
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "30",
            "AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME": "1",
            # Task processes may start in another folder: give them absolute paths.
            "NEWSWATCH_DB": str(settings.db_path.resolve()),
            "NEWSWATCH__AIRFLOW__STAGING_DIR": _absolute(settings.airflow.staging_dir),
        }
    )
    if cfg.config is not None:
        env["NEWSWATCH_CONFIG"] = str(cfg.config.resolve())
    elif "NEWSWATCH_CONFIG" not in env:
        env["NEWSWATCH_CONFIG"] = str(PROJECT_ROOT / "config")
    return env


def _absolute(location: str) -> str:
    """A local path made absolute; URLs (s3://...) as they are."""
    return location if "://" in location else str(Path(location).resolve())


def _airflow(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run one Airflow CLI command to completion."""
    exe = Path(sys.executable).with_name("airflow")
    return subprocess.run(
        [str(exe), *args], env=env, capture_output=True, text=True, check=False, timeout=600
    )


def port_free(port: int) -> bool:
    """Whether nothing listens on localhost:port."""
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def wait_healthy(url: str, timeout: float, alive: Callable[[], bool]) -> bool:
    """Poll the API's health endpoint until it answers, the process dies, or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/api/v2/monitor/health", timeout=2).status_code == 200:
                return True
        time.sleep(1)
    return False


def stop_group(proc: subprocess.Popen[bytes], grace: float = 20.0) -> None:
    """Stop a process and every process of its group: TERM, then KILL what is left."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=grace)
    # Children may outlive the parent; the group id still names them.
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and _group_alive(proc.pid):
        time.sleep(0.5)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def _group_alive(pgid: int) -> bool:
    """Whether any process of the group is still running."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start(
    cfg: LiveConfig, settings: Settings, say: Callable[[str], None]
) -> subprocess.Popen[bytes]:
    """Migrate, create the pool, start `airflow standalone` and wait until it answers."""
    cfg.home.mkdir(parents=True, exist_ok=True)
    env = airflow_env(cfg, settings)
    for port in (cfg.port, cfg.log_port):
        if not port_free(port):
            raise RuntimeError(f"port {port} is in use; choose other ports or stop what holds it")
    say("migrating Airflow's metadata database (SQLite) ...")
    done = _airflow("db", "migrate", env=env)
    if done.returncode != 0:
        raise RuntimeError(f"airflow db migrate failed:\n{done.stderr[-2000:]}")
    pool = _airflow("pools", "set", settings.airflow.pool, "1", POOL_DESCRIPTION, env=env)
    if pool.returncode != 0:
        raise RuntimeError(f"airflow pools set failed:\n{pool.stderr[-2000:]}")
    # Tasks need the API server: DAGs stay paused until it answers, so no first task fails
    # (and waits out a retry) because it started before the API. Errors: DAGs not parsed yet.
    _airflow("dags", "pause", "--treat-dag-id-as-regex", "-y", "^newswatch_", env=env)
    say(f"starting Airflow (log: {cfg.log}) ...")
    log = cfg.log.open("ab")
    exe = Path(sys.executable).with_name("airflow")
    proc = subprocess.Popen(
        [str(exe), "standalone"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so one signal reaches every child
    )
    try:
        healthy = wait_healthy(cfg.url, 180, lambda: proc.poll() is None)
    except BaseException:  # Ctrl-C while booting must not leave Airflow running
        stop_group(proc)
        raise
    if not healthy:
        stop_group(proc)
        raise RuntimeError(f"Airflow did not come up; see {cfg.log}")
    return proc


def trigger_first_run(cfg: LiveConfig, settings: Settings) -> str:
    """Unpause the DAGs now that the API answers, and start an ingest run right away."""
    env = airflow_env(cfg, settings)
    for dag_id in DAG_IDS:
        if not _retry(functools.partial(_airflow, "dags", "unpause", dag_id, env=env)):
            return f"could not unpause {dag_id} yet; see {cfg.log}"
    if not _retry(functools.partial(_airflow, "dags", "trigger", "newswatch_ingest", env=env)):
        return f"could not trigger newswatch_ingest yet; see {cfg.log}"
    return "DAGs unpaused; triggered newswatch_ingest"


def _retry(call: Callable[[], subprocess.CompletedProcess[str]], tries: int = 60) -> bool:
    """Repeat an Airflow CLI call until it succeeds (the DAG may not be parsed yet)."""
    for _ in range(tries):
        if call().returncode == 0:
            return True
        time.sleep(2)
    return False
