"""Spike alerts over real DuckDB warehouses: synthetic story histories, what fires and once."""

import json
import random
from datetime import datetime, timedelta

import pytest
from pydantic import ValidationError

from alerts.alert import Alert
from alerts.outbox import deliver_pending
from alerts.rules import alert_key, evaluate
from alerts.spike import (
    expected_rate,
    floor_rate,
    format_p,
    spike_test,
    spike_window,
    tail_probability,
)
from newswatch.settings import AlertRule, JsonlChannel
from warehouse.records import LoadBatch, entity_id
from warehouse.store import Warehouse

NOW = datetime(2022, 1, 10, 12, 0)
TOKAYEV = ("Kassym-Jomart Tokayev", "PERSON")
PUTIN = ("Vladimir Putin", "PERSON")
MAMIN = ("Askar Mamin", "PERSON")
MASSIMOV = ("Karim Massimov", "PERSON")
SPIKE = AlertRule(rule="spike")


@pytest.fixture
def spike_settings(make_settings, topic, tmp_path):
    """Settings whose only topic rule is the given spike rule (default: the defaults)."""

    def build(*rules: AlertRule):
        csto = topic(alerts=list(rules) or [SPIKE])
        return make_settings([JsonlChannel(path=tmp_path / "alerts.jsonl")], topics=[csto])

    return build


@pytest.fixture
def history(article):
    """Articles of one entity: one story each at `times` (key prefix `name`)."""

    def build(name, entity, times, *, story_key=None):
        return [
            article(
                f"{name}{i}",
                when,
                {entity: 1},
                title=f"{name} story {i} at {when:%m-%d %H:%M}",
                story_key=story_key,
            )
            for i, when in enumerate(times)
        ]

    return build


def daily(rng, days, per_day, *, end=NOW):
    """`per_day()` story times on each of the `days` full days before the day ending at `end`."""
    return [
        end - timedelta(days=d, minutes=rng.randint(1, 24 * 60 - 1))
        for d in range(1, days + 1)
        for _ in range(per_day())
    ]


def spread(rng, n, start, end):
    """`n` story times spread at random over (start, end)."""
    minutes = int((end - start).total_seconds() // 60)
    return [start + timedelta(minutes=rng.randint(1, minutes - 1)) for _ in range(n)]


def today(rng, n, *, end=NOW, hours=24):
    """`n` distinct story times in the `hours` before `end`."""
    minutes = rng.sample(range(1, hours * 60), n)
    return [end - timedelta(minutes=m) for m in sorted(minutes)]


def load(wh, *articles, run="run"):
    wh.load(LoadBatch(run, articles=list(articles)))


def spikes(wh):
    cur = wh.conn.execute("SELECT * FROM alerts WHERE rule = 'spike' ORDER BY created_at")
    cols = [d[0] for d in cur.description]
    return [Alert.from_row(dict(zip(cols, r, strict=True))) for r in cur.fetchall()]


def counts(wh, now, *, rule=SPIKE, min_count=0):
    """alert_spike_counts as {entity: (observed, baseline)} (every entity when min_count=0)."""
    win = spike_window(now, rule.window, rule.baseline_days)
    params = ["csto", list(rule.labels), win.baseline_start, win.window_start, now, min_count]
    return {
        r["entity"]: (r["observed"], r["baseline"])
        for r in wh.query_dicts("alert_spike_counts", params)
    }


def test_steady_high_volume_entity_does_not_fire(spike_settings, history):
    # 20 +- 4 stories a day for 14 days, 22 today: far above min_count, nothing unusual.
    rng = random.Random(1)
    settings = spike_settings()
    baseline = daily(rng, 14, lambda: rng.randint(16, 24))
    with Warehouse(settings.db_path) as wh:
        load(wh, *history("p", PUTIN, [*baseline, *today(rng, 22)]))
        assert counts(wh, NOW) == {PUTIN[0]: (22, len(baseline))}
        assert evaluate(wh, settings, NOW) == 0


def test_quiet_entities_with_a_story_or_two_do_not_fire(spike_settings, history):
    # Zero to one story a week; even with min_count=1 the floor rate keeps 1-2 stories quiet.
    rng = random.Random(2)
    settings = spike_settings(SPIKE, AlertRule(rule="spike", min_count=1, labels=["PERSON"]))
    weekly = [NOW - timedelta(days=3, hours=5), NOW - timedelta(days=10, hours=2)]
    with Warehouse(settings.db_path) as wh:
        load(
            wh,
            *history("a", MAMIN, today(rng, 1)),
            *history("b", MASSIMOV, today(rng, 2)),
            *history("c", PUTIN, weekly + today(rng, 2)),
            *history("d", TOKAYEV, weekly + today(rng, 1)),
        )
        assert counts(wh, NOW) == {
            MAMIN[0]: (1, 0),
            MASSIMOV[0]: (2, 0),
            PUTIN[0]: (2, 2),
            TOKAYEV[0]: (1, 2),
        }
        assert evaluate(wh, settings, NOW) == 0


def test_spike_fires_once_per_burst_lists_its_stories_and_fires_again_later(
    spike_settings, history, tmp_path
):
    rng = random.Random(3)
    settings = spike_settings()
    baseline = daily(rng, 14, lambda: rng.choice([1, 2, 2, 3]))
    # The burst: 15 stories between 08:00 and 11:45 today; Putin keeps to his 1 a day.
    burst = [NOW - timedelta(minutes=15 * (i + 1)) for i in range(15)]
    with Warehouse(settings.db_path) as wh:
        load(
            wh,
            *history("t", TOKAYEV, [*baseline, *burst]),
            *history("p", PUTIN, daily(rng, 14, lambda: 1) + today(rng, 1)),
        )
        assert counts(wh, NOW) == {TOKAYEV[0]: (15, len(baseline)), PUTIN[0]: (1, 14)}

        assert evaluate(wh, settings, NOW) == 1
        (alert,) = spikes(wh)
        assert alert.alert_key == alert_key(
            "csto", "spike", entity_id(*TOKAYEV), "day", "2022-01-10T00:00:00"
        )
        assert (alert.entity, alert.label, alert.topic) == (*TOKAYEV, "csto")
        expected = expected_rate(len(baseline), "day", 14)
        p = format_p(tail_probability(15, expected))
        assert alert.title == (
            f"Kassym-Jomart Tokayev: 15 stories in the last day vs {expected:.2g} expected ({p})"
        )
        # It points at the newest driving story; details list the newest max_stories (5).
        newest = len(baseline)
        assert alert.article_key == f"t{newest}"
        stories = alert.details_list()
        assert [s["article_key"] for s in stories] == [f"t{newest + i}" for i in range(5)]
        assert stories[0]["url"] == alert.url and stories[0]["articles"] == 1
        assert stories[0]["first_seen"] == (NOW - timedelta(minutes=15)).isoformat()
        message = alert.message()
        assert message.startswith(f"[csto] spike: {alert.title} — ")
        assert message.endswith(alert.url)
        for s in stories[:3]:
            assert f'"{s["title"]}"' in message
        assert stories[3]["title"] not in message

        # Delivered from the table: the stories survive until then and go out as a list.
        (due,) = wh.query_dicts("due_deliveries", [NOW])
        assert Alert.from_row(due) == alert
        assert deliver_pending(wh, settings, NOW).sent == 1
        (line,) = (tmp_path / "alerts.jsonl").read_text(encoding="utf-8").splitlines()
        sent = json.loads(line)
        assert sent["details"] == stories and sent["message"] == message

        # Later the same day, and early the next day while the burst is still in the window.
        assert evaluate(wh, settings, NOW + timedelta(hours=6)) == 0
        assert evaluate(wh, settings, NOW + timedelta(hours=15)) == 0
        assert len(spikes(wh)) == 1

        # A new burst three days later is a new alert.
        later = NOW + timedelta(days=3)
        again = [later - timedelta(minutes=20 * (i + 1)) for i in range(15)]
        load(wh, *history("u", TOKAYEV, daily(rng, 2, lambda: 2, end=later) + again), run="r2")
        assert evaluate(wh, settings, later) == 1
        first, second = spikes(wh)
        assert second.alert_key != first.alert_key
        assert second.title.startswith("Kassym-Jomart Tokayev: 15 stories in the last day")
        assert evaluate(wh, settings, later + timedelta(minutes=10)) == 0


def test_copies_of_one_story_are_not_a_spike(spike_settings, history):
    rng = random.Random(4)
    settings = spike_settings(AlertRule(rule="spike", min_count=1))
    old = history("o", MASSIMOV, [NOW - timedelta(days=4)], story_key="s-old")
    copies = history("c", MASSIMOV, today(rng, 12), story_key="s-today")
    # Copies today of a story first seen days ago do not count today either.
    late = history("l", MASSIMOV, today(rng, 5), story_key="s-old")
    with Warehouse(settings.db_path) as wh:
        load(wh, *old, *copies, *late)
        assert counts(wh, NOW) == {MASSIMOV[0]: (1, 1)}
        assert evaluate(wh, settings, NOW) == 0
        # Had the 12 articles been 12 stories, it would have fired.
        load(wh, *history("d", MASSIMOV, today(rng, 12)), run="r2")
        assert counts(wh, NOW) == {MASSIMOV[0]: (13, 1)}
        assert evaluate(wh, settings, NOW) == 1


def test_hour_window_burst_fires(spike_settings, history):
    rng = random.Random(5)
    rule = AlertRule(rule="spike", window="hour")
    settings = spike_settings(rule)
    # Flat: 28 stories over the 14 days before the window (2 a day, 1/12 an hour).
    window_start = NOW - timedelta(hours=1)
    baseline = spread(rng, 28, window_start - timedelta(days=14), window_start)
    burst = [NOW - timedelta(minutes=m) for m in (3, 11, 19, 27, 38, 52)]
    with Warehouse(settings.db_path) as wh:
        load(wh, *history("t", TOKAYEV, [*baseline, *burst]))
        assert counts(wh, NOW, rule=rule) == {TOKAYEV[0]: (6, 28)}
        assert evaluate(wh, settings, NOW) == 1
        (alert,) = spikes(wh)
        assert alert.alert_key == alert_key(
            "csto", "spike", entity_id(*TOKAYEV), "hour", "2022-01-10T12:00:00"
        )
        assert alert.title.startswith(
            "Kassym-Jomart Tokayev: 6 stories in the last hour vs 0.083 expected"
        )
        assert evaluate(wh, settings, NOW + timedelta(minutes=30)) == 0
        # An hour later the burst has left the window: nothing new.
        assert evaluate(wh, settings, NOW + timedelta(minutes=70)) == 0
        assert len(spikes(wh)) == 1


def test_model_floor_ratio_and_tail():
    assert floor_rate("day", 14) == pytest.approx(1 / 14)
    assert floor_rate("hour", 14) == pytest.approx(1 / 336)
    assert expected_rate(0, "day", 14) == floor_rate("day", 14)
    assert expected_rate(28, "day", 14) == pytest.approx(2.0)
    assert expected_rate(28, "hour", 14) == pytest.approx(2 / 24)
    assert tail_probability(1, 2.0) == pytest.approx(1 - 2.718281828459045**-2)
    args = {"window": "day", "baseline_days": 14, "min_count": 3, "min_ratio": 3.0}
    # Enough stories and unlikely, but not min_ratio times the expected count.
    assert not spike_test(60, 14 * 30, p_value=0.001, **args).fired
    assert tail_probability(60, 30.0) < 1e-5
    # Far above, but below min_count.
    assert not spike_test(2, 0, p_value=0.01, **args).fired
    result = spike_test(15, 28, p_value=0.001, **args)
    assert result.fired and result.ratio == pytest.approx(7.5) and result.p_value < 1e-8
    assert [format_p(p) for p in (0.5, 0.0004, 2.3e-9, 0.0)] == [
        "p=0.50",
        "p=4e-4",
        "p=2e-9",
        "p<1e-15",
    ]


def test_spike_window_and_periods():
    win = spike_window(datetime(2022, 1, 10, 0, 30), "day", 14)
    assert win.window_start == datetime(2022, 1, 9, 0, 30)
    assert win.baseline_start == datetime(2021, 12, 26, 0, 30)
    assert (win.period, win.previous_period) == (datetime(2022, 1, 10), datetime(2022, 1, 9))
    hour = spike_window(datetime(2022, 1, 10, 0, 30), "hour", 14)
    assert (hour.period, hour.previous_period) == (
        datetime(2022, 1, 10, 0, 0),
        datetime(2022, 1, 9, 23, 0),
    )


@pytest.mark.parametrize(
    "bad",
    [
        {"rule": "spike", "baseline_days": 1},
        {"rule": "spike", "p_value": 0},
        {"rule": "spike", "p_value": 1},
        {"rule": "spike", "min_count": 0},
        {"rule": "spike", "min_ratio": 0.5},
        {"rule": "spike", "max_stories": 0},
        {"rule": "spike", "window": "week"},
        {"rule": "spike", "query": "CSTO"},
        {"rule": "spike", "treshold": 3},
        {"rule": "first_mention", "window": "hour"},
        {"rule": "watched_entity", "min_count": 2},
    ],
)
def test_spike_settings_reject_bad_values(bad):
    with pytest.raises(ValidationError):
        AlertRule(**bad)


def test_spike_settings_defaults():
    rule = AlertRule(rule="spike")
    assert (rule.window, rule.baseline_days, rule.min_count) == ("day", 14, 3)
    assert (rule.min_ratio, rule.p_value, rule.max_stories) == (3.0, 0.001, 5)
    assert rule.labels == ["PERSON", "ORG", "GPE"]
    assert AlertRule(rule="spike", window="hour", labels=["ORG"]).labels == ["ORG"]
