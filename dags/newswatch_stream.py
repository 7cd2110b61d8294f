"""newswatch_stream: event-driven ingestion. A trigger in Airflow's triggerer watches the feeds
(newswatch.triggers.FeedWatchTrigger); when one lists an entry not seen before, this DAG polls
the feeds that changed, processes only what is new in small chunks, and raises and delivers
alerts after each chunk, so an item reaches its alert channel within seconds of being seen.

Scheduled on the watcher only when `airflow.mode` is `event` (the default); in `cron` mode it is
left unscheduled and newswatch_ingest runs on its cron schedule instead.
"""

from __future__ import annotations

import os
from typing import Any

import pendulum
from airflow.sdk import Asset, AssetWatcher, dag, task

from newswatch.dags import airflow_settings, default_args
from newswatch.triggers import FeedWatchTrigger

CFG = airflow_settings()
# The trigger loads the whole settings itself when the triggerer starts it.
FEEDS = Asset(
    "newswatch-feeds",
    watchers=[
        AssetWatcher(
            name="newswatch_feed_watcher",
            trigger=FeedWatchTrigger(
                config=os.environ.get("NEWSWATCH_CONFIG"), db=os.environ.get("NEWSWATCH_DB")
            ),
        )
    ],
)


@dag(
    dag_id="newswatch_stream",
    schedule=[FEEDS] if CFG.mode == "event" else None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args(CFG),
    tags=["newswatch", "stream"],
    doc_md=__doc__,
)
def newswatch_stream() -> None:
    @task(pool=CFG.pool)
    def ingest_and_alert(triggering_asset_events: Any = None) -> dict[str, int]:
        from airflow.sdk import BaseHook

        from alerts.channels import env_with_connections
        from newswatch.dags import task_settings
        from newswatch.stream import feeds_from_events, run_event

        settings = task_settings()
        events = triggering_asset_events or {}
        extras = [e.extra or {} for asset in events for e in events[asset]]
        env = env_with_connections(settings, BaseHook.get_connection)
        summary, raised, sent = run_event(settings, feeds_from_events(extras), env=env)
        return {**summary.counts, "alerts_raised": raised, "alerts_sent": sent}

    ingest_and_alert()


newswatch_stream()
