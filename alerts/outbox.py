"""The alert outbox: deliver pending deliveries, retry failures with backoff, never re-send.

A channel may hold its deliveries back (alerts/schedule.py decides): during its quiet hours,
beyond its hourly rate limit, or until its digest period ends and one message carries them all.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from alerts.alert import Alert
from alerts.channels import AlertChannel, DeliveryError, Digest, build_channels
from alerts.config import AlertsConfig, AlertSettings, Channel
from alerts.rules import evaluate
from alerts.schedule import HOUR, digest_due, is_quiet, rate_remaining
from common.keys import utcnow
from common.retry import backoff
from warehouse.snapshot import publish_if_due
from warehouse.store import Warehouse

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryStats:
    """One delivery pass: sent and given up (failed) in this pass, pending after it."""

    sent: int
    failed: int
    pending: int
    # Due but held back in this pass: quiet hours, rate limit, or waiting for a digest.
    held: int = 0


@dataclass
class _Gate:
    """What one channel may still send in this pass."""

    quiet: bool
    remaining: int | None  # messages left under the rate limit; None: no limit
    logged: bool  # its messages are recorded in channel_messages (rate limit or digest)

    def open(self) -> bool:
        """May the channel send a message now?"""
        return not self.quiet and (self.remaining is None or self.remaining > 0)

    def spend(self) -> None:
        """Count one message sent against the rate limit."""
        if self.remaining is not None:
            self.remaining -= 1


def _gate(wh: Warehouse, cfg: Channel, now: datetime) -> _Gate:
    """The channel's quiet hours and rate limit at `now`."""
    recent: list[datetime] = []
    if cfg.rate_limit_per_hour is not None:
        recent = wh.channel_messages_since(cfg.name, now - HOUR)
    return _Gate(
        quiet=is_quiet(now, cfg.quiet_hours, cfg.timezone),
        remaining=rate_remaining(cfg.rate_limit_per_hour, recent, now),
        logged=cfg.rate_limit_per_hour is not None or cfg.digest != "off",
    )


def backoff_seconds(alerts: AlertSettings, attempts: int) -> float:
    """The wait after the `attempts`-th failed attempt: doubling from the initial, capped."""
    return backoff(alerts.backoff_initial, alerts.backoff_max, attempts)


def deliver_pending(
    wh: Warehouse,
    settings: AlertsConfig,
    now: datetime | None = None,
    *,
    env: Mapping[str, str] | None = None,
) -> DeliveryStats:
    """Send every pending delivery that is due at `now` (naive UTC; default: the clock).

    Each delivery is marked in its own transaction right after its attempt, so a crash
    re-sends at most the one alert in flight; a digest marks all its deliveries in one
    transaction right after it was sent, so a crash re-sends at most that one digest. After a
    retryable failure the channel is not tried again in this pass: a receiver that is down
    costs one attempt per pass. Deliveries a channel holds back stay pending, attempts intact.
    """
    now = utcnow() if now is None else now
    cfg = settings.alerts
    channels = build_channels(settings, env)
    gates = {c.name: _gate(wh, c, now) for c in cfg.channels}
    digests = {c.name for c in cfg.channels if c.digest != "off"}
    sent = failed = held = 0
    down: set[str] = set()
    try:
        for ch in cfg.channels:
            if ch.digest != "off":
                done, gave_up, ok = _deliver_digest(
                    wh, cfg, ch, channels[ch.name], gates[ch.name], now
                )
                sent, failed = sent + done, failed + gave_up
                if not ok:
                    down.add(ch.name)
        for row in wh.due_deliveries(now):
            name = row["channel"]
            if name in down:
                continue
            gate = gates.get(name)
            if gate is not None and (name in digests or not gate.open()):
                held += 1
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
                wh.mark_delivery_sent(
                    now, alert.alert_key, name, log_message=gate is not None and gate.logged
                )
                if gate is not None:
                    gate.spend()
                sent += 1
                continue
            give_up = not error.retryable or attempts >= cfg.max_attempts
            next_at = now + timedelta(seconds=backoff_seconds(cfg, attempts))
            wh.mark_delivery_failed(
                alert.alert_key,
                name,
                give_up=give_up,
                attempts=attempts,
                next_at=next_at,
                error=str(error),
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
    pending = wh.delivery_counts().get("pending", 0)
    return DeliveryStats(sent=sent, failed=failed, pending=pending, held=held)


def _deliver_digest(
    wh: Warehouse,
    alerts: AlertSettings,
    cfg: Channel,
    channel: AlertChannel,
    gate: _Gate,
    now: datetime,
) -> tuple[int, int, bool]:
    """Send the channel's digest when its period has ended: (sent, given up, channel ok)."""
    if not gate.open():
        return 0, 0, True
    last_end = wh.last_digest_end(cfg.name)
    bounds = digest_due(now, cfg.digest, cfg.digest_at, cfg.timezone, last_end)
    if bounds is None:
        return 0, 0, True
    start, end = bounds
    rows = wh.digest_deliveries(cfg.name, end)
    # A failed digest backs off as a whole: its deliveries share one next attempt time.
    if not rows or max(r["next_attempt_at"] for r in rows) > now:
        return 0, 0, True
    items = tuple(Alert.from_row(row) for row in rows)
    first = min(start, *(a.created_at for a in items))
    digest = Digest(cfg.name, cfg.digest, first, end, cfg.timezone, items)
    keys = [a.alert_key for a in items]
    try:
        channel.send_digest(digest)
    except DeliveryError as exc:
        error = exc
    except Exception as exc:  # a bug in a channel must not stop the others
        error = DeliveryError(f"unexpected {type(exc).__name__}", retryable=True)
    else:
        wh.mark_digest_sent(now, cfg.name, keys, end)
        gate.spend()
        return len(keys), 0, True
    attempts = max(int(r["attempts"]) for r in rows) + 1
    next_at = now + timedelta(seconds=backoff_seconds(alerts, attempts))
    wh.mark_digest_failed(
        cfg.name,
        keys,
        permanent=not error.retryable,
        max_attempts=alerts.max_attempts,
        next_at=next_at,
        error=str(error),
    )
    gave_up = sum(
        1 for r in rows if not error.retryable or int(r["attempts"]) + 1 >= alerts.max_attempts
    )
    log.warning(
        "digest of %d alerts to %s: %s (attempt %d%s)",
        len(keys),
        cfg.name,
        error,
        attempts,
        f", giving up on {gave_up}" if gave_up else "",
    )
    return 0, gave_up, False


def run_alerts(
    settings: AlertsConfig, *, now: datetime | None = None, env: Mapping[str, str] | None = None
) -> tuple[int, DeliveryStats]:
    """Open the warehouse, evaluate the rules, deliver what is due, publish the analyst
    snapshot (so analysts see the new alerts and deliveries), close."""
    with Warehouse(settings.db_path) as wh:
        new = evaluate(wh, settings, now)
        stats = deliver_pending(wh, settings, now, env=env)
        publish_if_due(wh, settings)  # logs and carries on if it cannot
        return new, stats
