"""Channel scheduling decisions (quiet hours, digest periods, rate limit) and their settings."""

from datetime import datetime, time, timedelta

import pytest

from alerts.schedule import (
    digest_due,
    is_quiet,
    parse_clock,
    parse_span,
    period_bounds,
    rate_remaining,
)
from newswatch.settings import AppriseChannel, ConfigError, WebhookChannel, load_settings


def at(hour: int, minute: int = 0, day: int = 10, month: int = 1) -> datetime:
    """A naive-UTC instant in 2022."""
    return datetime(2022, month, day, hour, minute)


def test_parse_clock_and_span():
    assert parse_clock("08:00") == time(8, 0)
    assert parse_clock("23:59") == time(23, 59)
    assert parse_span("22:00-07:00") == (time(22), time(7))
    for bad in ("8:00", "24:00", "08:60", "8am", ""):
        with pytest.raises(ValueError, match="HH:MM"):
            parse_clock(bad)
    with pytest.raises(ValueError, match="HH:MM-HH:MM"):
        parse_span("22:00")
    with pytest.raises(ValueError, match="the same"):
        parse_span("07:00-07:00")


@pytest.mark.parametrize(
    ("now", "quiet"),
    [
        (at(21, 59), False),
        (at(22, 0), True),
        (at(23, 30), True),
        (at(0, 0, day=11), True),
        (at(6, 59, day=11), True),
        (at(7, 0, day=11), False),
        (at(12, 0), False),
    ],
)
def test_quiet_hours_span_midnight(now, quiet):
    assert is_quiet(now, "22:00-07:00", "UTC") is quiet


def test_quiet_hours_within_one_day_and_in_a_time_zone():
    assert is_quiet(at(12, 30), "12:00-13:00", "UTC")
    assert not is_quiet(at(13, 0), "12:00-13:00", "UTC")
    # Berlin is UTC+1 in January and UTC+2 in July: 21:30 UTC is 22:30 and 23:30 there.
    assert is_quiet(at(21, 30), "22:00-07:00", "Europe/Berlin")
    assert not is_quiet(at(20, 30), "22:00-07:00", "Europe/Berlin")
    assert is_quiet(at(20, 30, month=7), "22:00-07:00", "Europe/Berlin")
    assert not is_quiet(at(3), None, "UTC")


def test_hourly_periods_end_at_the_top_of_the_local_hour():
    assert period_bounds(at(12, 0), "hourly", "08:00", "UTC") == (at(11), at(12))
    assert period_bounds(at(12, 59), "hourly", "08:00", "UTC") == (at(11), at(12))
    # India is UTC+05:30: its hours turn at half past in UTC.
    assert period_bounds(at(12, 45), "hourly", "08:00", "Asia/Kolkata") == (
        at(11, 30),
        at(12, 30),
    )


def test_daily_periods_end_at_digest_at_local_time():
    # New York is UTC-5 in January: 08:00 there is 13:00 UTC.
    ny = "America/New_York"
    assert period_bounds(at(13, 0), "daily", "08:00", ny) == (at(13, day=9), at(13))
    assert period_bounds(at(12, 59), "daily", "08:00", ny) == (at(13, day=8), at(13, day=9))
    # The day the clocks go forward (2022-03-27 in Berlin) is 23 hours long.
    start, end = period_bounds(at(9, day=27, month=3), "daily", "08:00", "Europe/Berlin")
    assert end == at(6, day=27, month=3) and end - start == timedelta(hours=23)


def test_digest_due_once_per_period():
    assert digest_due(at(13, 5), "off", "08:00", "UTC") is None
    assert digest_due(at(13, 5), "hourly", "08:00", "UTC") == (at(12), at(13))
    assert digest_due(at(13, 5), "hourly", "08:00", "UTC", last_end=at(12)) == (at(12), at(13))
    assert digest_due(at(13, 5), "hourly", "08:00", "UTC", last_end=at(13)) is None
    assert digest_due(at(14, 0), "hourly", "08:00", "UTC", last_end=at(13)) == (at(13), at(14))


def test_rate_remaining_counts_the_rolling_hour():
    now = at(13, 10)
    sent = [at(12, 10), at(12, 11), at(13, 0), at(13, 10)]
    assert rate_remaining(None, sent, now) is None
    assert rate_remaining(5, sent, now) == 2  # 12:10 is exactly an hour ago: out of the window
    assert rate_remaining(2, sent, now) == 0
    assert rate_remaining(3, [], now) == 3


def test_channels_have_schedule_options_with_defaults():
    hook = WebhookChannel(kind="webhook")
    assert (hook.rate_limit_per_hour, hook.digest, hook.digest_at) == (None, "off", "08:00")
    assert (hook.quiet_hours, hook.timezone) == (None, "UTC")
    ap = AppriseChannel(kind="apprise", digest="daily", quiet_hours="22:00-07:00")
    assert ap.urls_env == "NEWSWATCH_APPRISE_URLS" and ap.conn_id is None


def config_error(tmp_path, channel: str) -> str:
    """The ConfigError message for a config whose only channel is `channel` (YAML flow map)."""
    path = tmp_path / "newswatch.yaml"
    path.write_text(f"alerts:\n  channels: [{channel}]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path, env={})
    return str(info.value)


@pytest.mark.parametrize(
    ("channel", "key", "says"),
    [
        ("{kind: slack, quiet_hours: '22-7'}", "quiet_hours", "expected HH:MM-HH:MM"),
        ("{kind: slack, quiet_hours: '25:00-07:00'}", "quiet_hours", "expected HH:MM-HH:MM"),
        ("{kind: jsonl, quiet_hours: '07:00-07:00'}", "quiet_hours", "the same"),
        ("{kind: webhook, timezone: Mars/Olympus}", "timezone", "unknown time zone"),
        ("{kind: apprise, digest: daily, digest_at: 8am}", "digest_at", "24-hour time HH:MM"),
        ("{kind: apprise, digest: weekly}", "digest", "'off', 'hourly' or 'daily'"),
        ("{kind: jsonl, rate_limit_per_hour: 0}", "rate_limit_per_hour", "greater than"),
    ],
)
def test_bad_schedule_options_name_key_and_problem(tmp_path, channel, key, says):
    message = config_error(tmp_path, channel)
    assert f".{key}: " in message
    assert says in message


def test_good_schedule_options_load(tmp_path):
    path = tmp_path / "newswatch.yaml"
    path.write_text(
        "alerts:\n  channels:\n"
        "    - {kind: apprise, name: phones, digest: daily, digest_at: '07:30',\n"
        "       quiet_hours: '22:00-07:00', timezone: Europe/Berlin, rate_limit_per_hour: 10}\n",
        encoding="utf-8",
    )
    (channel,) = load_settings(path, env={}).alerts.channels
    assert isinstance(channel, AppriseChannel)
    assert (channel.digest, channel.digest_at, channel.timezone) == (
        "daily",
        "07:30",
        "Europe/Berlin",
    )
