"""The alert outbox: deliver pending deliveries, retry failures with backoff, never re-send."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from alerts.alert import Alert
from alerts.channels import AlertChannel, DeliveryError, build_channels
from alerts.rules import evaluate
from newswatch.settings import AlertSettings, Settings
from warehouse.store import QUERIES, Warehouse, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryStats:
    """One delivery pass: sent and given up (failed) in this pass, pending after it."""

    sent: int
    failed: int
    pending: int


def backoff_seconds(alerts: AlertSettings, attempts: int) -> float:
    """The wait after the `attempts`-th failed attempt: doubling from the initial, capped."""
    return float(min(alerts.backoff_max, alerts.backoff_initial * 2 ** max(attempts - 1, 0)))


def deliver_pending(
    wh: Warehouse,
    settings: Settings,
    now: datetime | None = None,
    *,
    env: Mapping[str, str] | None = None,
) -> DeliveryStats:
    """Send every pending delivery that is due at `now` (naive UTC; default: the clock).

    Each delivery is marked in its own transaction right after its attempt, so a crash
    re-sends at most the one alert in flight. After a retryable failure the channel is
    not tried again in this pass: a receiver that is down costs one attempt per pass.
    """
    now = utcnow() if now is None else now
    cfg = settings.alerts
    channels = build_channels(settings, env)
    rows = wh.query_dicts("due_deliveries", [now])
    sent = failed = 0
    down: set[str] = set()
    try:
        for row in rows:
            name = row["channel"]
            if name in down:
                continue
            alert = Alert.from_row(row)
            attempts = int(row["attempts"]) + 1
            channel: AlertChannel | None = channels.get(name)
            try:
                if channel is None:
                    raise DeliveryError(f"channel {name!r} is no longer configured", False)
                channel.send(alert)
            except DeliveryError as exc:
                error = exc
            except Exception as exc:  # a bug in a channel must not stop the others
                error = DeliveryError(f"unexpected {type(exc).__name__}", retryable=True)
            else:
                _mark(wh, "mark_delivery_sent", [now, alert.alert_key, name])
                sent += 1
                continue
            give_up = not error.retryable or attempts >= cfg.max_attempts
            next_at = now + timedelta(seconds=backoff_seconds(cfg, attempts))
            status = "failed" if give_up else "pending"
            _mark(
                wh,
                "mark_delivery_failed",
                [status, attempts, next_at, str(error), alert.alert_key, name],
            )
            log.warning(
                "alert %s to %s: %s (attempt %d%s)",
                alert.alert_key,
                name,
                error,
                attempts,
                ", giving up" if give_up else "",
            )
            if give_up:
                failed += 1
            else:
                down.add(name)
    finally:
        for channel in channels.values():
            channel.close()
    counts = dict(wh.query("delivery_counts"))
    return DeliveryStats(sent=sent, failed=failed, pending=int(counts.get("pending", 0)))


def _mark(wh: Warehouse, query: str, params: list[object]) -> None:
    """Record one delivery's outcome in its own small transaction."""
    with wh.transaction() as conn:
        conn.execute(QUERIES[query], params)


def run_alerts(
    settings: Settings, *, now: datetime | None = None, env: Mapping[str, str] | None = None
) -> tuple[int, DeliveryStats]:
    """Open the warehouse, evaluate the rules, deliver what is due, close."""
    with Warehouse(settings.db_path) as wh:
        new = evaluate(wh, settings, now)
        return new, deliver_pending(wh, settings, now, env=env)
