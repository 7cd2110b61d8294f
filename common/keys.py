"""Stable keys and the warehouse clock: the identities every layer agrees on."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime


def stable_key(*parts: str, size: int = 16) -> str:
    """A short, stable hex key from text parts."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[: size * 2]


def utcnow() -> datetime:
    """Now, as naive UTC (the warehouse stores UTC without zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_utc_naive(value: datetime | None) -> datetime | None:
    """Convert an aware datetime to naive UTC; naive ones are taken as UTC."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)
