"""newswatch_report: once a day, write the self-contained HTML trend report of the warehouse."""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task

from newswatch.dags import airflow_settings, default_args

CFG = airflow_settings()


@dag(
    dag_id="newswatch_report",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args(CFG),
    tags=["newswatch", "report"],
    doc_md=__doc__,
)
def newswatch_report() -> None:
    # In the warehouse pool: a read-only open would fail while a load holds the file.
    @task(pool=CFG.pool)
    def write(ds: str | None = None) -> str:
        from newswatch.dags import task_settings
        from newswatch.report import write_daily_report

        return str(write_daily_report(task_settings(), str(ds)))

    write()


newswatch_report()
