"""newswatch_ingest: poll every source, fetch/clean/match in batches, group copies into stories,
extract entities (once per text: exact copies reuse them), load.

Tasks only wire newswatch.stages; they pass staging-file paths, never pages or texts.
The warehouse tasks share a one-slot pool, so one process at a time opens the DuckDB file.
In event mode newswatch_stream ingests as feeds change and this DAG is the cron fallback
(archives, and anything a stopped triggerer missed); in cron mode it is the main schedule.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag, task

from newswatch.dags import WAREHOUSE, airflow_settings, default_args, ingest_schedule

CFG = airflow_settings()


@dag(
    dag_id="newswatch_ingest",
    schedule=ingest_schedule(CFG),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args(CFG),
    tags=["newswatch", "ingest"],
    doc_md=__doc__,
    # Backfill: trigger with since/until (ISO dates) to take only entries published in that range.
    params={
        "since": Param(None, type=["null", "string"], format="date"),
        "until": Param(None, type=["null", "string"], format="date"),
    },
)
def newswatch_ingest() -> None:
    @task(pool=CFG.pool)
    def prepare(run_id: str | None = None) -> list[str]:
        from newswatch import stages
        from newswatch.dags import task_settings

        return stages.prepare(task_settings(), str(run_id))

    @task
    def poll(source: str, run_id: str | None = None, params: dict | None = None) -> str:
        from newswatch import stages
        from newswatch.dags import task_settings

        window = stages.Window.from_params(params or {})
        return stages.poll(task_settings(), str(run_id), source, window)

    @task(pool=CFG.pool)
    def select(
        polls: list[str], run_id: str | None = None, params: dict | None = None
    ) -> list[str]:
        from newswatch import stages
        from newswatch.dags import task_settings

        window = stages.Window.from_params(params or {})
        return stages.select(task_settings(), str(run_id), list(polls), window)

    @task
    def process(batch: str, run_id: str | None = None) -> str:
        from newswatch import stages
        from newswatch.dags import task_settings

        return stages.process(task_settings(), str(run_id), batch)

    @task(pool=CFG.pool)
    def stories(processed: list[str]) -> list[str]:
        from newswatch import stages
        from newswatch.dags import task_settings

        return stages.stories(task_settings(), list(processed))

    @task
    def extract(processed: str) -> str:
        from newswatch import stages
        from newswatch.dags import task_settings

        return stages.extract(task_settings(), processed)

    @task(pool=CFG.pool, outlets=[WAREHOUSE])
    def load(records: list[str], run_id: str | None = None) -> dict[str, int]:
        from newswatch import stages
        from newswatch.dags import task_settings

        return stages.load(task_settings(), str(run_id), list(records))

    sources = prepare()
    batches = select(poll.expand(source=sources))
    load(extract.expand(processed=stories(process.expand(batch=batches))))


newswatch_ingest()
