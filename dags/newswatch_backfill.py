"""newswatch_backfill: read web-archive files (WARC, WARC.gz, WACZ) into the warehouse, one
mapped task per file, for a date window.

Trigger it with params: `paths` (files or globs; empty means the config's `kind: warc`
sources), `since` and `until` (ISO dates, articles dated in [since, until)). Each file's
progress is saved in the warehouse after every loaded chunk, so a task retried after its
worker died resumes the file where it stopped; `newswatch feeds` shows the files. The file
tasks share the warehouse's one-slot pool: DuckDB has one writer.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag, task

from newswatch.dags import airflow_settings, default_args

CFG = airflow_settings()


@dag(
    dag_id="newswatch_backfill",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args(CFG),
    tags=["newswatch", "backfill"],
    doc_md=__doc__,
    params={
        "paths": Param([], type="array", items={"type": "string"}),
        "since": Param(None, type=["null", "string"], format="date"),
        "until": Param(None, type=["null", "string"], format="date"),
    },
)
def newswatch_backfill() -> None:
    @task
    def files(params: dict | None = None) -> list[str]:
        from newswatch.backfill import file_jobs
        from newswatch.dags import task_settings

        return file_jobs(task_settings(), list((params or {}).get("paths") or []))

    @task(pool=CFG.pool)
    def backfill_file(job: str, params: dict | None = None) -> dict:
        from newswatch.backfill import backfill_job
        from newswatch.dags import task_settings
        from newswatch.stages import Window

        return backfill_job(task_settings(), job, Window.from_params(params or {}))

    backfill_file.expand(job=files())


newswatch_backfill()
