"""The Airflow side of event-driven ingestion: a trigger that watches the feeds.

`FeedWatchTrigger` runs in Airflow's triggerer, attached to an `AssetWatcher` of the
`newswatch-feeds` asset (see dags/newswatch_stream.py). It loads the settings when it starts,
never at DAG parse time, polls the feeds with `newswatch.watch.FeedWatcher` and fires an event
whenever a feed lists entries it has not seen; each event starts a `newswatch_stream` run.
When the triggerer starts, every feed's entries are new to it, so the first poll fires one
catch-up run; the run itself skips entries the warehouse already holds.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from airflow.triggers.base import BaseEventTrigger, TriggerEvent

CLASSPATH = "newswatch.triggers.FeedWatchTrigger"
# Longest sleep between checks, so a settings reload or cancellation is never far away.
MAX_SLEEP = 5.0


class FeedWatchTrigger(BaseEventTrigger):
    """Fires when any configured feed lists an entry not seen before."""

    def __init__(self, config: str | None = None, db: str | None = None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.config = config
        self.db = db

    def serialize(self) -> tuple[str, dict[str, Any]]:
        """The classpath and keyword arguments the triggerer re-creates this trigger from."""
        return CLASSPATH, {"config": self.config, "db": self.db}

    async def run(self) -> AsyncIterator[TriggerEvent]:
        """Poll due feeds, fire on new entries, sleep until the next feed is due; forever."""
        from newswatch.settings import load_settings
        from newswatch.watch import FeedWatcher

        settings = load_settings(self.config, db=self.db)
        watcher = FeedWatcher(settings)
        self.log.info("watching %d feeds", len(watcher.feeds))
        try:
            while True:
                changes = await watcher.poll_due()
                if changes:
                    payload = {
                        "feeds": sorted(c.name for c in changes),
                        "new_entries": sum(c.new_entries for c in changes),
                        "first_poll": all(c.first_poll for c in changes),
                        "seen_at": datetime.now(UTC).isoformat(),
                    }
                    self.log.info("new entries: %s", payload)
                    yield TriggerEvent(payload)  # type: ignore[no-untyped-call]
                await asyncio.sleep(min(MAX_SLEEP, max(0.2, watcher.seconds_to_next())))
        finally:
            watcher.close()
