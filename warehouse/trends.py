"""The trend API: entity series, rising entities, co-occurrence, source volume, first mentions.

Plain functions over a DuckDB connection to a newswatch warehouse (read-only is enough). The
SQL lives in sql/trends.sql; windows end at the newest event in the warehouse.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import duckdb

from warehouse.sql import dict_rows, named_queries

Bucket = Literal["day", "hour"]
_BUCKETS = ("day", "hour")


def _rows(
    conn: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]
) -> list[dict[str, Any]]:
    """Run a named trend query with named parameters; rows as dicts."""
    return dict_rows(conn.execute(named_queries("trends.sql")[name], params))


def _bucket(value: str) -> str:
    """Validate a bucket size (a typo would otherwise silently mean 'day')."""
    if value not in _BUCKETS:
        raise ValueError(f"bucket must be 'day' or 'hour', not {value!r}")
    return value


def _positive(name: str, value: int) -> int:
    """Validate a positive window or limit."""
    if value < 1:
        raise ValueError(f"{name} must be at least 1, not {value}")
    return value


def entity_series(
    conn: duckdb.DuckDBPyConnection,
    entity: str,
    *,
    by: Bucket = "day",
    days: int = 30,
    topic: str | None = None,
) -> list[dict[str, Any]]:
    """Mentions, articles and stories of an entity per bucket; empty buckets are zeros."""
    params = {"entity": entity, "by": _bucket(by), "days": _positive("days", days), "topic": topic}
    return _rows(conn, "entity_series", params)


def rising(
    conn: duckdb.DuckDBPyConnection,
    *,
    window: Bucket = "day",
    baseline_days: int = 7,
    limit: int = 20,
    topic: str | None = None,
) -> list[dict[str, Any]]:
    """Entities whose stories in the last window beat their average window before it."""
    params = {
        "window": _bucket(window),
        "baseline_days": _positive("baseline_days", baseline_days),
        "limit": _positive("limit", limit),
        "topic": topic,
    }
    return _rows(conn, "rising", params)


def cooccurring(
    conn: duckdb.DuckDBPyConnection, entity: str, *, days: int = 30, limit: int = 20
) -> list[dict[str, Any]]:
    """Entities named in the same articles as `entity`, by distinct stories."""
    params = {"entity": entity, "days": _positive("days", days), "limit": _positive("limit", limit)}
    return _rows(conn, "cooccurring", params)


def source_volume(
    conn: duckdb.DuckDBPyConnection, *, by: Bucket = "day", days: int = 30
) -> list[dict[str, Any]]:
    """Articles and stories per bucket and source (zeros included)."""
    return _rows(conn, "source_volume", {"by": _bucket(by), "days": _positive("days", days)})


def first_seen(
    conn: duckdb.DuckDBPyConnection,
    *,
    days: int = 30,
    limit: int = 50,
    labels: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Entities first mentioned in the last `days` days, newest first, with that article."""
    params = {
        "days": _positive("days", days),
        "limit": _positive("limit", limit),
        "labels": list(labels) if labels is not None else None,
    }
    return _rows(conn, "first_seen", params)


def entity_names(conn: duckdb.DuckDBPyConnection, entity: str) -> list[tuple[str, str]]:
    """(name, label) of the stored entities matching `entity` case-insensitively."""
    return [(r["name"], r["label"]) for r in _rows(conn, "entity_names", {"entity": entity})]


def top_entities(
    conn: duckdb.DuckDBPyConnection, *, days: int = 30, limit: int = 20, topic: str | None = None
) -> list[dict[str, Any]]:
    """The entities named in the most distinct stories of the last `days` days."""
    params = {"days": _positive("days", days), "limit": _positive("limit", limit), "topic": topic}
    return _rows(conn, "top_entities", params)


def entity_forms(conn: duckdb.DuckDBPyConnection, entity: str) -> list[dict[str, Any]]:
    """How the entities named `entity` (or written so) are written, per language."""
    return _rows(conn, "entity_forms", {"entity": entity})


def forms_of(
    conn: duckdb.DuckDBPyConnection, entities: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, list[str]]]:
    """(name, label) -> language -> written forms, most written first."""
    params = {"names": [n for n, _ in entities], "labels": [lbl for _, lbl in entities]}
    out: dict[tuple[str, str], dict[str, list[str]]] = {}
    for r in _rows(conn, "forms_of_entities", params):
        out.setdefault((r["entity"], r["label"]), {}).setdefault(r["language"], []).append(
            r["form"]
        )
    return out
