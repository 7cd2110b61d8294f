"""Retry timing every layer shares: exponential backoff and the server's Retry-After."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# Backoffs of sources that fail together (one outage) are shortened by up to this fraction at
# random, so they do not all come back at the same moment.
OUTAGE_JITTER = 0.2


def backoff(
    initial: float,
    cap: float,
    failures: int,
    *,
    jitter: float = 0.0,
    rng: random.Random | None = None,
) -> float:
    """The wait after the `failures`-th failure in a row: initial * 2^(failures-1), capped, then
    shortened by up to `jitter` (a fraction) at random, so sources that failed together (one
    outage) do not all come back at the same moment."""
    exponent = min(max(failures - 1, 0), 30)
    base = min(cap, initial * 2.0**exponent)
    if not jitter:
        return float(base)
    draw = (rng or random).random()  # spreading load, not security
    return base * (1.0 - jitter * draw)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110),
    never negative, clamped so "1e400" or a far-future date stays a finite number; None when
    absent or unreadable."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        now = now.replace(tzinfo=UTC) if now is not None and now.tzinfo is None else now
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if math.isnan(seconds):
        return None
    return min(max(0.0, seconds), 1e9)
