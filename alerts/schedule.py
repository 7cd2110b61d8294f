"""When a channel may send: quiet hours, digest periods and the hourly rate limit.

Pure functions of naive-UTC timestamps (as the warehouse stores them) and a zoneinfo name;
alerts/outbox.py reads the clock and the warehouse and asks these what to do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
Period = Literal["off", "hourly", "daily"]

_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse_clock(text: str) -> time:
    """A 24-hour `HH:MM` local time; ValueError saying what is wrong otherwise."""
    match = _CLOCK.match(text.strip())
    if not match:
        raise ValueError(f"expected a 24-hour time HH:MM such as 08:00, got {text!r}")
    return time(int(match.group(1)), int(match.group(2)))


def parse_span(spec: str) -> tuple[time, time]:
    """`HH:MM-HH:MM` as (start, end); the end may be earlier than the start (past midnight)."""
    start, sep, end = spec.partition("-")
    try:
        if not sep:
            raise ValueError(spec)
        first, last = parse_clock(start), parse_clock(end)
    except ValueError:
        raise ValueError(f"expected HH:MM-HH:MM such as 22:00-07:00, got {spec!r}") from None
    if first == last:
        raise ValueError(f"start and end are the same in {spec!r}: an empty or 24-hour span")
    return first, last


@cache
def zone(name: str) -> ZoneInfo:
    """The zoneinfo time zone of an IANA name (cached: channels ask every pass)."""
    return ZoneInfo(name)


def to_local(now: datetime, tz: str) -> datetime:
    """A naive-UTC instant as an aware local time in `tz`."""
    return now.replace(tzinfo=UTC).astimezone(zone(tz))


def to_utc(local: datetime) -> datetime:
    """An aware local time as naive UTC."""
    return local.astimezone(UTC).replace(tzinfo=None)


def in_span(clock: time, start: time, end: time) -> bool:
    """Is `clock` in [start, end), where a span with end < start runs past midnight?"""
    if start < end:
        return start <= clock < end
    return clock >= start or clock < end


def is_quiet(now: datetime, spec: str | None, tz: str) -> bool:
    """Is `now` (naive UTC) inside the quiet hours `spec` (HH:MM-HH:MM local to `tz`)?"""
    if not spec:
        return False
    start, end = parse_span(spec)
    return in_span(to_local(now, tz).time(), start, end)


def period_bounds(
    now: datetime, period: Period, digest_at: str, tz: str
) -> tuple[datetime, datetime]:
    """The latest digest period that has ended at `now`: (start, end) in naive UTC.

    Hourly periods end at the top of each local hour; daily ones at `digest_at` local time.
    """
    local = to_local(now, tz)
    if period == "hourly":
        end = to_utc(local.replace(minute=0, second=0, microsecond=0))
        return end - HOUR, end
    if period != "daily":
        raise ValueError(f"no digest period for {period!r}")
    at = parse_clock(digest_at)
    day = local.date() if local.time() >= at else local.date() - DAY
    # Built from the local calendar, so a day with a DST change is 23 or 25 hours long.
    end_local = datetime.combine(day, at, tzinfo=zone(tz))
    start_local = datetime.combine(day - DAY, at, tzinfo=zone(tz))
    return to_utc(start_local), to_utc(end_local)


def digest_due(
    now: datetime,
    period: Period,
    digest_at: str,
    tz: str,
    last_end: datetime | None = None,
) -> tuple[datetime, datetime] | None:
    """The period whose digest may go out now, or None (digest off, or already sent).

    `last_end` is the end of the period of the last digest sent on the channel: a period is
    sent once, even when an alert of it turns up after its digest went out (it waits for the
    next one).
    """
    if period == "off":
        return None
    start, end = period_bounds(now, period, digest_at, tz)
    if last_end is not None and last_end >= end:
        return None
    return start, end


def rate_remaining(limit: int | None, sent_at: Iterable[datetime], now: datetime) -> int | None:
    """Messages the channel may still send in the rolling hour before `now`; None: no limit."""
    if limit is None:
        return None
    recent = sum(1 for when in sent_at if now - HOUR < when <= now)
    return max(limit - recent, 0)
