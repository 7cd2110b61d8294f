"""The spike model: is an entity's count of distinct stories in a window far above its own
baseline? Pure functions over counts and times; alerts/rules.py reads the counts from SQL.

An entity's stories in the window are compared with a Poisson rate estimated from the
`baseline_days` before the window. The rate has a floor, as if the entity had one story in the
whole baseline, so an entity never seen before is not infinitely surprising: its first one or two
stories cannot fire, a burst of several still does. See docs/alerts.md ("Spike alerts").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from scipy.stats import poisson

Window = Literal["hour", "day"]

WINDOW_LENGTH: dict[Window, timedelta] = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
WINDOWS_PER_DAY: dict[Window, int] = {"hour": 24, "day": 1}
# Below this a tail probability is printed as a bound: the float says nothing finer.
_P_PRINT_FLOOR = 1e-15


@dataclass(frozen=True)
class SpikeWindow:
    """Where one evaluation looks: window (window_start, now], baseline before it."""

    now: datetime
    window_start: datetime
    baseline_start: datetime
    period: datetime  # the hour or day `now` is in: one alert per entity per period
    previous_period: datetime


@dataclass(frozen=True)
class SpikeTest:
    """The counts of one entity and whether they make a spike."""

    observed: int  # distinct stories in the window
    baseline: int  # distinct stories in the baseline period
    expected: float  # stories per window the baseline predicts (at least the floor)
    ratio: float  # observed / expected
    p_value: float  # P(X >= observed) for X ~ Poisson(expected)
    fired: bool


def windows_in_baseline(window: Window, baseline_days: int) -> int:
    """How many windows of this length the baseline period holds."""
    return baseline_days * WINDOWS_PER_DAY[window]


def floor_rate(window: Window, baseline_days: int) -> float:
    """The least expected rate: one story in the whole baseline, spread over its windows."""
    return 1.0 / windows_in_baseline(window, baseline_days)


def expected_rate(baseline_count: int, window: Window, baseline_days: int) -> float:
    """Stories per window that the baseline predicts, never below the floor rate."""
    rate = baseline_count / windows_in_baseline(window, baseline_days)
    return max(rate, floor_rate(window, baseline_days))


def tail_probability(observed: int, expected: float) -> float:
    """P(X >= observed) for X ~ Poisson(expected)."""
    # sf(k) is P(X > k), so P(X >= observed) is sf(observed - 1).
    return float(poisson.sf(observed - 1, expected))


def spike_test(
    observed: int,
    baseline: int,
    *,
    window: Window,
    baseline_days: int,
    min_count: int,
    min_ratio: float,
    p_value: float,
) -> SpikeTest:
    """Fire when the window has enough stories, far enough above and unlikely enough."""
    expected = expected_rate(baseline, window, baseline_days)
    tail = tail_probability(observed, expected)
    fired = observed >= min_count and observed >= min_ratio * expected and tail <= p_value
    return SpikeTest(observed, baseline, expected, observed / expected, tail, fired)


def floor_period(when: datetime, window: Window) -> datetime:
    """The start of the hour (hour window) or day (day window) `when` falls in."""
    if window == "hour":
        return when.replace(minute=0, second=0, microsecond=0)
    return when.replace(hour=0, minute=0, second=0, microsecond=0)


def spike_window(now: datetime, window: Window, baseline_days: int) -> SpikeWindow:
    """The window (now - length, now], its baseline and the alert periods for `now`."""
    length = WINDOW_LENGTH[window]
    start = now - length
    period = floor_period(now, window)
    return SpikeWindow(
        now=now,
        window_start=start,
        baseline_start=start - timedelta(days=baseline_days),
        period=period,
        previous_period=period - length,
    )


def format_p(p: float) -> str:
    """A tail probability, short: "p=0.04", "p=4e-4", "p=2e-9", or "p<1e-15"."""
    if p < _P_PRINT_FLOOR:
        return "p<1e-15"
    if p >= 0.01:
        return f"p={p:.2f}"
    mantissa, exponent = f"{p:.0e}".split("e")
    return f"p={mantissa}e{int(exponent)}"


def format_rate(x: float) -> str:
    """An expected count, short: 0.071 -> "0.071", 2.1 -> "2.1", 20.4 -> "20"."""
    return f"{x:.0f}" if x >= 10 else f"{x:.2g}"


def summary(entity: str, test: SpikeTest, window: Window) -> str:
    """The alert title: "Tokayev: 9 stories in the last day vs 0.4 expected (p=2e-9)"."""
    stories = "story" if test.observed == 1 else "stories"
    return (
        f"{entity}: {test.observed} {stories} in the last {window} vs "
        f"{format_rate(test.expected)} expected ({format_p(test.p_value)})"
    )
