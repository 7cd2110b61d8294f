"""newswatch_alerts: after each warehouse load, evaluate the alert rules and deliver the outbox."""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow.sdk import Asset, dag, task

POOL = os.environ.get("NEWSWATCH__AIRFLOW__POOL", "newswatch_warehouse")
WAREHOUSE = Asset("newswatch-warehouse", uri="file:///newswatch/warehouse.duckdb")


@dag(
    dag_id="newswatch_alerts",
    schedule=[WAREHOUSE],
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "newswatch",
        "retries": 2,
        "retry_delay": timedelta(seconds=30),
        "retry_exponential_backoff": True,
    },
    tags=["newswatch", "alerts"],
    doc_md=__doc__,
)
def newswatch_alerts() -> None:
    @task(pool=POOL)
    def evaluate_and_deliver() -> dict[str, int]:
        from airflow.sdk import BaseHook

        from alerts.channels import env_with_connections
        from alerts.outbox import run_alerts
        from newswatch.settings import load_settings

        settings = load_settings()
        env = env_with_connections(settings, BaseHook.get_connection)
        new, stats = run_alerts(settings, env=env)
        return {
            "new_alerts": new,
            "sent": stats.sent,
            "failed": stats.failed,
            "pending": stats.pending,
        }

    evaluate_and_deliver()


newswatch_alerts()
