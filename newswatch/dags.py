"""What every newswatch DAG shares: its settings, pool, warehouse asset and task defaults.

DAG files import this module and stay wiring only. The settings come from the same place as
the CLI's (`config/*.yaml` plus NEWSWATCH__* variables, via `load_settings`), so a key set in
the YAML reaches the DAGs under `newswatch live` and under compose alike. Reading them at
parse time is a local YAML read: no database, no connection, no heavy import.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from airflow.sdk import Asset

from newswatch.settings import AirflowSettings, Settings, load_settings

# The warehouse as an Airflow asset: the ingest load produces it, the alerts DAG consumes it.
WAREHOUSE = Asset("newswatch-warehouse", uri="file:///newswatch/warehouse.duckdb")
# Retries of a task wait retry_delay_seconds, doubling each time, but never longer than this.
MAX_RETRY_DELAY = timedelta(minutes=10)


def airflow_settings() -> AirflowSettings:
    """The `airflow` section of the config, read when a DAG file is parsed."""
    return load_settings().airflow


def ingest_schedule(cfg: AirflowSettings) -> str:
    """newswatch_ingest's schedule: the cron fallback in event mode, the main one in cron."""
    return cfg.fallback_schedule if cfg.mode == "event" else cfg.schedule


def default_args(cfg: AirflowSettings) -> dict[str, Any]:
    """The task defaults of every newswatch DAG."""
    return {
        "owner": "newswatch",
        "retries": cfg.retries,
        "retry_delay": timedelta(seconds=cfg.retry_delay_seconds),
        "retry_exponential_backoff": True,
        "max_retry_delay": MAX_RETRY_DELAY,
    }


def task_settings() -> Settings:
    """The whole settings inside a running task (read then, never at parse time)."""
    return load_settings()
