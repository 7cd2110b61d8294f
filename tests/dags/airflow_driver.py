"""Run inside a fresh process whose AIRFLOW_HOME is a temporary folder (set by the tests).

Usage: python airflow_driver.py integrity
       python airflow_driver.py test DAG_ID
Prints one JSON line starting with RESULT.
"""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path

DAGS = Path(__file__).resolve().parents[2] / "dags"


def _guard_parse_time() -> list[str]:
    """Record any network, DuckDB or Airflow-connection use while DAG files are parsed."""
    seen: list[str] = []
    real_connect = socket.socket.connect

    def connect(self, address):  # type: ignore[no-untyped-def]
        seen.append(f"network: {address}")
        return real_connect(self, address)

    socket.socket.connect = connect  # type: ignore[method-assign]
    import duckdb

    real_duck = duckdb.connect

    def duck(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append("duckdb.connect")
        return real_duck(*args, **kwargs)

    duckdb.connect = duck
    from airflow.sdk import BaseHook

    real_get = BaseHook.get_connection

    def get_connection(conn_id, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(f"connection: {conn_id}")
        return real_get(conn_id, *args, **kwargs)

    BaseHook.get_connection = get_connection  # type: ignore[method-assign]
    return seen


def integrity() -> dict:
    """Parse the DAG folder and describe what was found."""
    seen = _guard_parse_time()
    heavy_before = {m for m in ("spacy", "trafilatura", "duckdb") if m in sys.modules}
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS))
    heavy = sorted({m for m in ("spacy", "trafilatura") if m in sys.modules} - heavy_before)
    dags = {}
    for dag_id, dag in bag.dags.items():
        dags[dag_id] = {
            "tags": sorted(dag.tags),
            "owners": sorted({t.owner for t in dag.tasks}),
            "retries": sorted({t.retries for t in dag.tasks}),
            "retry_delays": sorted({t.retry_delay.total_seconds() for t in dag.tasks}),
            "tasks": sorted(t.task_id for t in dag.tasks),
            "pools": {t.task_id: t.pool for t in dag.tasks},
            "max_active_runs": dag.max_active_runs,
            "schedule": getattr(dag.timetable, "summary", None) or repr(dag.timetable),
            "catchup": dag.catchup,
        }
    return {
        "errors": {k: str(v) for k, v in bag.import_errors.items()},
        "dags": dags,
        "parse_time_io": seen,
        "heavy_imports": heavy,
    }


def run_test(dag_id: str, conf: dict | None = None) -> dict:
    """dag.test() one DAG (with an optional run conf) and report task states."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS))
    dag = bag.get_dag(dag_id)
    run = dag.test(run_conf=conf) if conf else dag.test()
    states = {}
    for ti in run.get_task_instances():
        key = ti.task_id if ti.map_index < 0 else f"{ti.task_id}[{ti.map_index}]"
        states[key] = str(ti.state)
    return {"state": str(run.state), "tasks": states}


if __name__ == "__main__":
    if sys.argv[1] == "integrity":
        out = integrity()
    else:
        out = run_test(sys.argv[2], json.loads(sys.argv[3]) if len(sys.argv) > 3 else None)
    print("RESULT " + json.dumps(out, default=str))
