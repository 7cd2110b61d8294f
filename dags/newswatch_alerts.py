"""newswatch_alerts: after each warehouse load, evaluate the alert rules and deliver the outbox."""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task

from newswatch.dags import WAREHOUSE, airflow_settings, default_args

CFG = airflow_settings()


@dag(
    dag_id="newswatch_alerts",
    schedule=[WAREHOUSE],
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args(CFG),
    tags=["newswatch", "alerts"],
    doc_md=__doc__,
)
def newswatch_alerts() -> None:
    @task(pool=CFG.pool)
    def evaluate_and_deliver() -> dict[str, int]:
        from airflow.sdk import BaseHook

        from alerts.channels import env_with_connections
        from alerts.outbox import run_alerts
        from newswatch.dags import task_settings

        settings = task_settings()
        # Publishes the analyst snapshot too: analysts see the deliveries of this pass.
        new, stats = run_alerts(
            settings, env=env_with_connections(settings, BaseHook.get_connection)
        )
        return {
            "new_alerts": new,
            "sent": stats.sent,
            "failed": stats.failed,
            "pending": stats.pending,
        }

    evaluate_and_deliver()


newswatch_alerts()
