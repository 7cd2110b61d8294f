"""The shared retry timing: doubling backoff with cap and jitter, Retry-After in both forms."""

import random
from datetime import datetime

from common.retry import backoff, retry_after_seconds


def test_backoff_doubles_from_the_initial_and_stops_at_the_cap():
    assert [backoff(10, 100, n) for n in range(1, 6)] == [10, 20, 40, 80, 100]
    assert backoff(10, 100, 0) == 10  # no failure yet counts as the first
    assert backoff(1, 1e9, 10_000) == 1e9  # a long streak neither overflows nor exceeds the cap


def test_jitter_only_shortens_and_stays_within_its_fraction():
    rng = random.Random(7)
    waits = [backoff(60, 600, 3, jitter=0.2, rng=rng) for _ in range(200)]
    assert all(0.8 * 240 <= w <= 240 for w in waits)
    assert len(set(waits)) > 100  # actually spread, not one value


def test_retry_after_delta_seconds_and_http_date():
    now = datetime(2022, 1, 6, 12, 0, 0)
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds(" 7 ") == 7
    assert retry_after_seconds("Thu, 06 Jan 2022 12:02:30 GMT", now) == 150
    # A date in the past means "now", never a negative wait.
    assert retry_after_seconds("Thu, 06 Jan 2022 11:00:00 GMT", now) == 0


def test_retry_after_garbage_is_none_and_huge_is_finite():
    for value in (None, "", "soon", "NaN", "Thu, 99 Foo 2022"):
        assert retry_after_seconds(value) is None, value
    assert retry_after_seconds("1e400") == 1e9
    assert retry_after_seconds("-5") == 0
