"""The warehouse's alert tables as typed methods: rule candidates, the outbox, channel logs.

`Warehouse` inherits these; alerts/ calls them and never names a query or opens a transaction
of its own. Each write that must land with another is one method, so one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

import duckdb

from warehouse.sql import QUERIES, named_rows

# Rows of a query rule's candidates are read in chunks: their texts are dropped as they go.
_FETCH_CHUNK = 500


class AlertStore:
    """Alert rules' reads and the outbox's reads and writes."""

    conn: duckdb.DuckDBPyConnection

    def transaction(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """Provided by Warehouse."""
        raise NotImplementedError

    # --- rule candidates ---

    def first_mention_candidates(self, topic: str, labels: Sequence[str]) -> list[dict[str, Any]]:
        """Entities of these labels new to the topic, each at its earliest original article."""
        return named_rows(self.conn, "alert_first_mentions", [topic, list(labels), topic])

    def watched_mention_candidates(self, topic: str, names: Sequence[str]) -> list[dict[str, Any]]:
        """Stories of the topic naming an entity of these (lower-cased) names, not yet alerted."""
        return named_rows(self.conn, "alert_watched_mentions", [topic, list(names), topic])

    def query_rule_candidates(self, topic: str, query: str) -> Iterator[dict[str, Any]]:
        """Articles of the topic not yet matched against this query rule, with their text."""
        cur = self.conn.execute(QUERIES["alert_query_candidates"], [topic, topic, query])
        cols = [d[0] for d in cur.description or []]
        while batch := cur.fetchmany(_FETCH_CHUNK):
            for values in batch:
                yield dict(zip(cols, values, strict=True))

    def alerted_stories(self, topic: str, rule: str, query: str = "") -> set[str]:
        """Stories (as merged since) that this rule already alerted for in this topic."""
        rows = self.conn.execute(QUERIES["alerted_stories"], [topic, rule, query]).fetchall()
        return {r[0] for r in rows}

    def mark_query_checked(self, topic: str, query: str, article_keys: Sequence[str]) -> None:
        """Remember that these articles were matched against the query rule."""
        if article_keys:
            self.conn.executemany(
                QUERIES["insert_alert_query_check"], [(topic, query, k) for k in article_keys]
            )

    def spike_counts(
        self,
        topic: str,
        labels: Sequence[str],
        baseline_start: datetime,
        window_start: datetime,
        now: datetime,
        min_count: int,
    ) -> list[dict[str, Any]]:
        """Per entity with >= min_count stories in the window: window and baseline stories."""
        params = [topic, list(labels), baseline_start, window_start, now, min_count]
        return named_rows(self.conn, "alert_spike_counts", params)

    def spike_stories(
        self, topic: str, entity_id: str, window_start: datetime, now: datetime, limit: int
    ) -> list[dict[str, Any]]:
        """The stories that drove an entity's spike, newest first."""
        return named_rows(
            self.conn, "alert_spike_stories", [topic, entity_id, window_start, now, limit]
        )

    def alert_raised_since(self, alert_key: str, since: datetime) -> bool:
        """Whether this alert was raised after `since`."""
        return bool(
            self.conn.execute(QUERIES["alert_recent_keys"], [[alert_key], since]).fetchall()
        )

    def feed_down_candidates(self, since: datetime, sources: Sequence[str]) -> list[dict[str, Any]]:
        """Enabled sources failing since before `since`: one row per failing streak."""
        return named_rows(self.conn, "alert_feed_down", [since, list(sources)])

    # --- the outbox ---

    def existing_alert_keys(self, keys: Sequence[str]) -> set[str]:
        """Which of these alert keys are already raised."""
        return {
            r[0] for r in self.conn.execute(QUERIES["existing_alerts"], [list(keys)]).fetchall()
        }

    def add_alerts(
        self, rows: Sequence[Sequence[Any]], channels: Sequence[str], now: datetime
    ) -> None:
        """Insert alerts (rows in `alerts` column order) and one pending delivery per channel."""
        if not rows:
            return
        self.conn.executemany(QUERIES["insert_alert"], [list(r) for r in rows])
        if channels:
            self.conn.executemany(
                QUERIES["insert_delivery"], [(r[0], name, now) for r in rows for name in channels]
            )

    def due_deliveries(self, now: datetime) -> list[dict[str, Any]]:
        """Pending deliveries due at `now`, oldest alert first, each with its alert."""
        return named_rows(self.conn, "due_deliveries", [now])

    def mark_delivery_sent(
        self, now: datetime, alert_key: str, channel: str, *, log_message: bool
    ) -> None:
        """Mark one delivery sent and, for a logged channel, record its message, atomically."""
        with self.transaction() as conn:
            conn.execute(QUERIES["mark_delivery_sent"], [now, alert_key, channel])
            if log_message:
                conn.execute(QUERIES["insert_channel_message"], [channel, now, 1, None])

    def mark_delivery_failed(
        self,
        alert_key: str,
        channel: str,
        *,
        give_up: bool,
        attempts: int,
        next_at: datetime,
        error: str,
    ) -> None:
        """Record a failed attempt: failed for good, or pending until `next_at`."""
        status = "failed" if give_up else "pending"
        with self.transaction() as conn:
            conn.execute(
                QUERIES["mark_delivery_failed"],
                [status, attempts, next_at, error, alert_key, channel],
            )

    def delivery_counts(self) -> dict[str, int]:
        """Deliveries per status."""
        return {s: int(n) for s, n in self.conn.execute(QUERIES["delivery_counts"]).fetchall()}

    def channel_messages_since(self, channel: str, since: datetime) -> list[datetime]:
        """When the channel's messages after `since` were sent, oldest first."""
        rows = self.conn.execute(QUERIES["channel_messages_since"], [channel, since]).fetchall()
        return [r[0] for r in rows]

    def last_digest_end(self, channel: str) -> datetime | None:
        """The end of the period the channel's last digest covered."""
        row = self.conn.execute(QUERIES["last_digest_end"], [channel]).fetchone()
        return row[0] if row else None

    def digest_deliveries(self, channel: str, before: datetime) -> list[dict[str, Any]]:
        """Pending deliveries of the channel whose alert was raised before `before`."""
        return named_rows(self.conn, "digest_deliveries", [channel, before])

    def mark_digest_sent(
        self, now: datetime, channel: str, alert_keys: Sequence[str], period_end: datetime
    ) -> None:
        """Mark every delivery a digest carried sent and log the digest, atomically."""
        with self.transaction() as conn:
            conn.execute(QUERIES["mark_deliveries_sent"], [now, channel, list(alert_keys)])
            conn.execute(
                QUERIES["insert_channel_message"], [channel, now, len(alert_keys), period_end]
            )

    def mark_digest_failed(
        self,
        channel: str,
        alert_keys: Sequence[str],
        *,
        permanent: bool,
        max_attempts: int,
        next_at: datetime,
        error: str,
    ) -> None:
        """Record a failed digest on every delivery it carried."""
        params = [permanent, max_attempts, next_at, error, channel, list(alert_keys)]
        with self.transaction() as conn:
            conn.execute(QUERIES["mark_deliveries_failed"], params)
