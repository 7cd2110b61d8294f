"""newswatch_report: once a day, write the self-contained HTML trend report of the warehouse."""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

POOL = os.environ.get("NEWSWATCH__AIRFLOW__POOL", "newswatch_warehouse")


@dag(
    dag_id="newswatch_report",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "newswatch",
        "retries": 2,
        "retry_delay": timedelta(minutes=2),
    },
    tags=["newswatch", "report"],
    doc_md=__doc__,
)
def newswatch_report() -> None:
    # In the warehouse pool: a read-only open would fail while a load holds the file.
    @task(pool=POOL)
    def write(ds: str | None = None) -> str:
        from newswatch.report import write_report
        from newswatch.settings import load_settings
        from warehouse.store import Warehouse

        settings = load_settings()
        out = settings.db_path.parent / "reports" / f"report-{ds}.html"
        with Warehouse(settings.db_path, read_only=True) as wh:
            return str(write_report(wh.conn, out))

    write()


newswatch_report()
