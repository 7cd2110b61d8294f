"""Polling: checked conditional GET, per-feed backoff and adaptive schedule, feed health, the
operator alert. A real local HTTP server and a real DuckDB file; clocks are passed, not slept."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from alerts.outbox import deliver_pending
from alerts.rules import OPERATOR_TOPIC, evaluate
from extractors.fetch import Fetcher
from newswatch import stages
from newswatch.pipeline import run_once
from newswatch.polling import PollResult, adaptive_interval, backoff_minutes, poll_source
from newswatch.settings import (
    AirflowSettings,
    AlertSettings,
    FeedSource,
    FetchSettings,
    JsonlChannel,
    PollSettings,
    Settings,
    load_settings,
)
from warehouse.records import LoadBatch, SourceState
from warehouse.store import Warehouse

T0 = datetime(2022, 1, 10, 12, 0)
CFG = PollSettings(
    unconditional_every=3,
    backoff_initial_minutes=10,
    backoff_max_minutes=100,
    min_interval_minutes=10,
    max_interval_minutes=240,
    alert_after_hours=6,
)


def fetch_settings() -> FetchSettings:
    """Fast, no in-run retries; local addresses allowed where the fetcher guards them."""
    extra = {"allow_hosts": ["127.0.0.1:*"], "respect_robots": False}
    known = FetchSettings.model_fields
    return FetchSettings(
        retries=0,
        connect_timeout=2,
        read_timeout=2,
        total_timeout=5,
        **{k: v for k, v in extra.items() if k in known},
    )


def rss(server: Any, *slugs: str, ttl: int | None = None) -> bytes:
    items = "".join(
        f"<item><title>{s}</title><link>{server.url('/a/' + s)}</link><guid>{s}</guid></item>"
        for s in slugs
    )
    ttl_tag = f"<ttl>{ttl}</ttl>" if ttl else ""
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{ttl_tag}'
        f"{items}</channel></rss>"
    ).encode()


class Poller:
    """Polls one feed source against a warehouse, as a run would, at given clock times."""

    def __init__(self, db: Path, source: FeedSource, cfg: PollSettings = CFG) -> None:
        self.wh = Warehouse(db)
        self.fetcher = Fetcher(fetch_settings())
        self.source = source
        self.cfg = cfg

    def poll(self, now: datetime) -> PollResult:
        state = self.wh.source_state(self.source.name)
        result = poll_source(self.source, state, self.fetcher, self.cfg, now)
        self.wh.load(LoadBatch("r", polls=[result.poll], errors=[e for e in [result.error] if e]))
        return result

    def state(self) -> SourceState:
        state = self.wh.source_state(self.source.name)
        assert state is not None
        return state

    def health(self) -> dict[str, Any]:
        return {r["name"]: r for r in self.wh.feed_health(T0)}[self.source.name]

    def close(self) -> None:
        self.fetcher.close()
        self.wh.close()


@pytest.fixture
def poller(local_server: Any, tmp_path: Path) -> Iterator[Poller]:
    p = Poller(tmp_path / "nw.duckdb", FeedSource(name="f", url=local_server.url("/feed.xml")))
    yield p
    p.close()


def validators(server: Any) -> list[str | None]:
    return [h.get("If-None-Match") for h in server.headers_seen("/feed.xml")]


def test_every_nth_poll_is_unconditional(local_server, poller):
    body = rss(local_server, "a1")

    def honest(request: Any) -> Any:
        if request.headers.get("If-None-Match") == '"v1"':
            return local_server.Reply(304, b"", {"ETag": '"v1"'})
        return local_server.Reply(200, body, {"ETag": '"v1"'})

    local_server.route("/feed.xml", handler=honest)
    for n in range(7):
        poller.poll(T0 + timedelta(hours=n))
    # Polls 3 and 6 (every 3rd) send no validators; the first has none to send.
    assert validators(local_server) == [None, '"v1"', None, '"v1"', '"v1"', None, '"v1"']
    health = poller.health()
    assert (health["polls"], health["not_modified"], health["unconditional_polls"]) == (7, 4, 3)
    assert not health["lying_validators"]


@pytest.mark.parametrize("etag_follows_body", [False, True])
def test_server_answering_304_to_a_changed_feed_is_caught(local_server, poller, etag_follows_body):
    feed = {"body": rss(local_server, "a1")}

    def etag() -> str:
        return f'"{len(feed["body"])}"' if etag_follows_body else '"same"'

    def liar(request: Any) -> Any:
        if request.headers.get("If-None-Match"):
            return local_server.Reply(304, b"", {"ETag": etag()})  # whatever changed
        return local_server.Reply(200, feed["body"], {"ETag": etag()})

    local_server.route("/feed.xml", handler=liar)
    assert [i.title for i in poller.poll(T0).items] == ["a1"]
    feed["body"] = rss(local_server, "b1", "a1")
    assert poller.poll(T0 + timedelta(hours=1)).items == []  # the lie: 304
    caught = poller.poll(T0 + timedelta(hours=2))  # 3rd poll: unconditional
    assert "b1" in {i.title for i in caught.items}
    assert poller.state().lying_validators
    assert poller.health()["lying_detected_at"] == T0 + timedelta(hours=2)
    # From then on every poll is unconditional and new items are picked up at once.
    feed["body"] = rss(local_server, "c1", "b1", "a1")
    assert "c1" in {i.title for i in poller.poll(T0 + timedelta(hours=3)).items}
    assert validators(local_server)[-1] is None


def test_honest_server_changing_after_a_304_is_not_called_lying(local_server, poller):
    feed = {"body": rss(local_server, "a1")}

    def honest(request: Any) -> Any:
        tag = f'"{len(feed["body"])}"'
        if request.headers.get("If-None-Match") == tag:
            return local_server.Reply(304, b"", {"ETag": tag})
        return local_server.Reply(200, feed["body"], {"ETag": tag})

    local_server.route("/feed.xml", handler=honest)
    poller.poll(T0)
    assert poller.poll(T0 + timedelta(hours=1)).poll.not_modified
    feed["body"] = rss(local_server, "b1", "a1")
    assert "b1" in {i.title for i in poller.poll(T0 + timedelta(hours=2)).items}
    assert not poller.state().lying_validators
    assert validators(local_server)[3] is not None  # the probe with the old ETag got a 200
    assert poller.poll(T0 + timedelta(hours=3)).poll.not_modified  # conditional again


def test_backoff_grows_with_jitter_within_bounds_and_is_capped():
    rng = random.Random(7)
    for failures in range(1, 10):
        base = min(100.0, 10.0 * 2 ** (failures - 1))
        draws = [backoff_minutes(CFG, failures, rng) for _ in range(30)]
        assert all(0.8 * base <= d <= base for d in draws), failures
        assert len(set(draws)) > 1  # jittered
    assert backoff_minutes(CFG, 10_000) <= 100


def test_failing_feed_backs_off_honours_retry_after_and_resets(local_server, poller):
    # A Retry-After longer than the backoff (10 min after one failure) wins.
    local_server.route("/feed.xml", status=503, body=b"", headers={"Retry-After": "5400"})
    first = poller.poll(T0).poll
    assert first.interval_minutes == 90 and first.next_poll_at == T0 + timedelta(minutes=90)
    local_server.route("/feed.xml", status=500, body=b"down")
    now = first.next_poll_at
    for failures in range(2, 8):
        result = poller.poll(now)
        base = min(100.0, 10.0 * 2 ** (failures - 1))
        assert 0.8 * base <= result.poll.interval_minutes <= base
        assert result.poll.next_poll_at == now + timedelta(minutes=result.poll.interval_minutes)
        state = poller.state()
        assert state.consecutive_failures == failures and state.failing_since == T0
        now = result.poll.next_poll_at
    # Still polled at the cap, never dropped. A Retry-After beyond the cap is capped; a short
    # one does not shorten the backoff.
    local_server.route("/feed.xml", status=429, body=b"", headers={"Retry-After": "999999"})
    assert poller.poll(now).poll.interval_minutes == 100
    local_server.route("/feed.xml", status=429, body=b"", headers={"Retry-After": "1"})
    assert poller.poll(now).poll.interval_minutes >= 80
    # A success resets the streak and the interval.
    local_server.route("/feed.xml", body=rss(local_server, "a1"))
    ok = poller.poll(now)
    state = poller.state()
    assert ok.poll.ok and state.consecutive_failures == 0 and state.failing_since is None
    assert ok.poll.interval_minutes == CFG.min_interval_minutes
    assert poller.health()["failing_since"] is None


def test_cache_control_and_rss_ttl_raise_the_interval(local_server, poller):
    local_server.route(
        "/feed.xml", body=rss(local_server, "a1"), headers={"Cache-Control": "public, max-age=7200"}
    )
    assert poller.poll(T0).poll.interval_minutes == 120
    local_server.route(
        "/feed.xml", body=rss(local_server, "a2"), headers={"Cache-Control": "max-age=9999999"}
    )
    assert poller.poll(T0 + timedelta(hours=3)).poll.interval_minutes == 240  # capped
    local_server.route("/feed.xml", body=rss(local_server, "a3", ttl=90), headers={"ETag": '"t"'})
    assert poller.poll(T0 + timedelta(hours=7)).poll.interval_minutes == 90
    # The ttl of the last body still holds when the server answers 304.
    local_server.route("/feed.xml", status=304, headers={"ETag": '"t"'})
    again = poller.poll(T0 + timedelta(hours=9))
    assert again.poll.not_modified and again.poll.interval_minutes == 90


def test_adaptive_interval_follows_publishing_within_clamps():
    cfg = PollSettings(min_interval_minutes=15, max_interval_minutes=600)
    busy = [T0 - timedelta(minutes=20 * i) for i in range(12)]
    assert adaptive_interval(busy, T0, cfg) == 15  # half of 20 min, clamped up
    hourly = [T0 - timedelta(hours=4 * i) for i in range(12)]
    assert adaptive_interval(hourly, T0 + timedelta(hours=1), cfg) == 120
    daily = [T0 - timedelta(days=i) for i in range(12)]
    assert adaptive_interval(daily, T0, cfg) == 600  # half a day, clamped down
    assert adaptive_interval([], T0, cfg) == 15
    # A feed that goes quiet: the open gap since its last item lengthens the interval.
    quiet = adaptive_interval(busy[:2], T0 + timedelta(hours=10), cfg)
    assert quiet > adaptive_interval(busy[:2], T0 + timedelta(minutes=30), cfg)
    # Items of one poll loaded in several chunks (seconds apart) are one arrival.
    chunked = [T0, T0 + timedelta(seconds=40), T0 + timedelta(seconds=80)]
    assert adaptive_interval(chunked, T0 + timedelta(hours=2), cfg) == 60


def test_adaptive_interval_from_the_warehouse(local_server, poller):
    local_server.route("/feed.xml", body=rss(local_server, "a1"))
    poller.poll(T0)
    for i in range(10):  # a new item every 30 minutes, as runs would have recorded
        poller.wh.conn.execute(
            "INSERT INTO seen_items (url_key, url, source, first_seen, status) "
            "VALUES (?, ?, 'f', ?, 'stored')",
            [f"k{i}", f"u{i}", T0 + timedelta(minutes=30 * i)],
        )
    now = T0 + timedelta(minutes=300)
    assert len(poller.state().arrivals) == 10
    local_server.route("/feed.xml", body=rss(local_server, "a2"))
    assert poller.poll(now).poll.interval_minutes == 15
    assert poller.health()["items_per_day"] == pytest.approx(10 / 7)


def empty_feed_settings(server: Any, tmp_path: Path, **update: Any) -> Settings:
    server.route("/feed.xml", body=rss(server), headers={"Cache-Control": "max-age=3600"})
    return load_settings(env={}).model_copy(
        update={
            "sources": [FeedSource(name="f", url=server.url("/feed.xml"))],
            "fetch": fetch_settings(),
            "poll": CFG,
            "db_path": tmp_path / "nw.duckdb",
            "topics": [],
            **update,
        }
    )


def test_source_not_due_is_skipped_without_a_request_and_force_polls(local_server, tmp_path):
    settings = empty_feed_settings(local_server, tmp_path)
    first = run_once(settings, now=T0)
    assert first.counts["sources_polled"] == 1 and local_server.counts["/feed.xml"] == 1
    later = run_once(settings, now=T0 + timedelta(minutes=30))  # due after 60 min (max-age)
    assert later.counts["skipped_not_due"] == 1 and later.counts["sources_polled"] == 0
    assert local_server.counts["/feed.xml"] == 1
    forced = run_once(settings, now=T0 + timedelta(minutes=31), force=True)
    assert forced.counts["sources_polled"] == 1 and local_server.counts["/feed.xml"] == 2
    run_once(settings, now=T0 + timedelta(minutes=92))  # 60 min after the forced poll
    assert local_server.counts["/feed.xml"] == 3
    with Warehouse(settings.db_path) as wh:
        health = wh.feed_health(T0)[0]
    assert (health["polls"], health["skipped"]) == (3, 1)


def test_staged_prepare_skips_sources_not_due(local_server, tmp_path):
    settings = empty_feed_settings(
        local_server, tmp_path, airflow=AirflowSettings(staging_dir=str(tmp_path / "staging"))
    )

    def staged_run(run_id: str, now: datetime, force: bool = False) -> dict[str, int]:
        names = stages.prepare(settings, run_id, force=force, now=now)
        polls = [stages.poll(settings, run_id, n, now=now) for n in names]
        assert stages.select(settings, run_id, polls) == []
        return stages.load(settings, run_id, [])

    assert staged_run("r1", T0)["sources_polled"] == 1
    assert staged_run("r2", T0 + timedelta(minutes=10))["skipped_not_due"] == 1
    assert local_server.counts["/feed.xml"] == 1
    assert staged_run("r3", T0 + timedelta(minutes=11), force=True)["sources_polled"] == 1
    assert local_server.counts["/feed.xml"] == 2


def newswatch_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH")}
    return subprocess.run(
        [sys.executable, "-m", "newswatch", *args],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": "220"},
        timeout=120,
        check=False,
    )


def test_feed_health_rows_and_feeds_command(local_server, tmp_path, make_config):
    local_server.route("/feed.xml", body=rss(local_server, "a1"), headers={"ETag": '"e"'})
    local_server.route("/down.xml", status=500, body=b"boom")
    config = make_config(
        f"  - {{name: good, url: '{local_server.url('/feed.xml')}'}}\n"
        f"  - {{name: down, url: '{local_server.url('/down.xml')}'}}\n"
        f"  - {{name: fresh, url: '{local_server.url('/fresh.xml')}'}}\n"
    )
    settings = load_settings(config, db=tmp_path / "nw.duckdb", env={})
    settings = settings.model_copy(
        update={"sources": settings.sources[:2], "fetch": fetch_settings(), "poll": CFG}
    )
    with Warehouse(settings.db_path) as wh, Fetcher(settings.fetch) as fetcher:
        for hours in (0, 1, 2):
            for source in settings.sources:
                state = wh.source_state(source.name)
                result = poll_source(source, state, fetcher, CFG, T0 + timedelta(hours=hours))
                wh.load(LoadBatch("r", polls=[result.poll]))
        rows = {r["name"]: r for r in wh.feed_health(T0)}
        sources = dict(wh.conn.execute("SELECT name, consecutive_failures FROM sources").fetchall())
    assert sources == {"good": 0, "down": 3}
    good, down = rows["good"], rows["down"]
    assert (good["polls"], good["not_modified"], good["failing_since"]) == (3, 0, None)
    assert good["next_poll_at"] == T0 + timedelta(hours=2, minutes=good["interval_minutes"])
    assert down["failing_since"] == T0 and down["last_status"] == 500

    proc = newswatch_cli("feeds", "--config", str(config), "--db", str(settings.db_path))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert re.search(
        r"down\s*│\s*feed\s*│\s*never\s*│\s*3\s*│\s*2022-01-10 12:00\s*│\s*HTTP 500", out
    )
    assert re.search(r"fresh\s*│\s*feed\s*│\s*never polled", out)
    assert "Polling (UTC)" in out
    assert re.search(r"good\s*│\s*0\.0\s*│\s*10 min\s*│\s*due\s*│\s*3\s*│\s*0\s*│\s*ok", out), out


def test_feed_down_alert_once_per_outage(local_server, tmp_path):
    jsonl = tmp_path / "alerts.jsonl"
    source = FeedSource(name="f", url=local_server.url("/feed.xml"))
    settings = load_settings(env={}).model_copy(
        update={
            "sources": [source],
            "topics": [],
            "poll": CFG,
            "db_path": tmp_path / "nw.duckdb",
            "alerts": AlertSettings(channels=[JsonlChannel(path=jsonl)]),
        }
    )
    poller = Poller(settings.db_path, source)
    try:

        def evaluate_at(hours: float) -> int:
            return evaluate(poller.wh, settings, now=T0 + timedelta(hours=hours))

        local_server.route("/feed.xml", status=500, body=b"down")
        poller.poll(T0)
        poller.poll(T0 + timedelta(hours=4))
        assert evaluate_at(5) == 0  # failing, but not for 6 hours yet
        poller.poll(T0 + timedelta(hours=7))
        assert [evaluate_at(h) for h in (7, 8, 12)] == [1, 0, 0]
        # It recovers, then fails again for longer than the threshold: a second alert.
        local_server.route("/feed.xml", body=rss(local_server, "a1"))
        poller.poll(T0 + timedelta(hours=13))
        assert evaluate_at(14) == 0
        local_server.route("/feed.xml", status=500, body=b"down")
        poller.poll(T0 + timedelta(hours=15))
        poller.poll(T0 + timedelta(hours=22))
        assert [evaluate_at(h) for h in (22, 23)] == [1, 0]
        alerts = poller.wh.conn.execute(
            "SELECT topic, rule, entity, published FROM alerts ORDER BY published"
        ).fetchall()
        assert alerts == [
            (OPERATOR_TOPIC, "feed_down", "f", T0),
            (OPERATOR_TOPIC, "feed_down", "f", T0 + timedelta(hours=15)),
        ]
        stats = deliver_pending(poller.wh, settings, now=T0 + timedelta(hours=23))
        assert stats.sent == 2
        lines = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
        assert lines[0]["rule"] == "feed_down" and "feed down: f" in lines[0]["message"]
        assert "HTTP 500" in lines[0]["title"]
    finally:
        poller.close()
