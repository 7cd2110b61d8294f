"""An event run: ingest the feeds a watcher saw change, and alert as each chunk lands."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from newswatch.batches import RunSummary
from newswatch.pipeline import run_once
from newswatch.settings import Settings
from warehouse.snapshot import publish_if_due
from warehouse.store import Warehouse

log = logging.getLogger("newswatch.stream")


def feeds_from_events(events: Iterable[Mapping[str, Any]]) -> set[str] | None:
    """The feed names in asset-event extras from the watcher; None when an event names none
    (a manual trigger, or an event from elsewhere): then every source is polled."""
    names: set[str] = set()
    for extra in events:
        payload = extra.get("payload") if isinstance(extra, Mapping) else None
        feeds = payload.get("feeds") if isinstance(payload, Mapping) else None
        if not feeds:
            return None
        names.update(str(f) for f in feeds)
    return names or None


def run_event(
    settings: Settings, feeds: set[str] | None, *, env: Mapping[str, str] | None = None
) -> tuple[RunSummary, int, int]:
    """Poll these feeds now (all sources if None), process what is new in small chunks, and
    after each chunk evaluate the alert rules and deliver; return the run summary, the alerts
    raised and the deliveries sent."""
    from alerts.outbox import deliver_pending
    from alerts.rules import evaluate

    raised = sent = 0

    def alert(wh: Warehouse) -> None:
        nonlocal raised, sent
        raised += evaluate(wh, settings)
        sent += deliver_pending(wh, settings, env=env).sent

    summary = run_once(
        settings,
        chunk_size=settings.stream.chunk_size,
        force=True,
        only=feeds,
        after_load=alert,
    )
    # Deliveries that were retried or held (channel down) get another chance at the end.
    with Warehouse(settings.db_path) as wh:
        alert(wh)
        publish_if_due(wh, settings)  # logs and carries on if it cannot
    log.info(
        "event run %s: %s new items, %d alerts raised, %d delivered",
        summary.run_id,
        summary.counts.get("new_items", 0),
        raised,
        sent,
    )
    return summary, raised, sent
