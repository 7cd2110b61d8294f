"""The warehouse's config specs: the analyst snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from pydantic import Field

from common.spec import ConfigSpec


class AnalystSettings(ConfigSpec):
    """The read-only copy analysts query while newswatch writes (docs/warehouse.md)."""

    # Publish a snapshot after each run; analyst commands read it when it exists.
    snapshot: bool = True
    # None: beside the warehouse, `<db name>-analyst.duckdb` (data/newswatch-analyst.duckdb).
    snapshot_path: Path | None = None
    # A run ending sooner than this after the last publish does not publish again (0: every
    # run publishes, so the snapshot is never behind; raise it when a very large warehouse
    # takes seconds to copy and runs come every few seconds).
    min_interval_seconds: float = Field(0.0, ge=0)
    # Where analysts reach the explorer (`newswatch web`, or /newswatch/ under Airflow), e.g.
    # http://127.0.0.1:8050: the HTML report then links each entity to its explorer page.
    explorer_url: str | None = Field(None, pattern=r"^https?://")


class SnapshotConfig(Protocol):
    """What snapshot publishing reads of the composed settings."""

    @property
    def db_path(self) -> Path: ...
    @property
    def analyst(self) -> AnalystSettings: ...
