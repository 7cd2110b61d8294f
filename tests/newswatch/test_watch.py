"""The feed watcher and its Airflow trigger, against a real local HTTP server.

The trigger's `run()` is driven here by asyncio directly, as the triggerer would drive it; the
real triggerer (with scheduler and DAG runs) is exercised by bench/latency.py and test_live.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import pytest

from newswatch.settings import FeedSource, FetchSettings, StreamSettings, load_settings
from newswatch.watch import FeedWatcher, backoff_seconds


class Feed:
    """An RSS feed whose items a test can add to; answers 304 to a matching If-None-Match."""

    def __init__(self, server) -> None:
        self.items: list[str] = []
        self.reply = server.Reply

    def body(self) -> bytes:
        entries = "".join(
            f"<item><title>{i}</title><link>https://news.example/{i}.html</link>"
            f"<guid>{i}</guid></item>"
            for i in self.items
        )
        return (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            f"{entries}</channel></rss>"
        ).encode()

    def __call__(self, request: Any) -> Any:
        body = self.body()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return self.reply(304, b"", {"ETag": etag})
        return self.reply(200, body, {"Content-Type": "application/rss+xml", "ETag": etag})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def settings_for(server, *paths: str, **stream):
    base = load_settings(env={})
    return base.model_copy(
        update={
            "sources": [
                FeedSource(name=p.strip("/").replace("/", "-"), url=server.url(p)) for p in paths
            ],
            "fetch": FetchSettings(retries=0, allow_hosts=["127.0.0.1:*"]),
            "stream": StreamSettings(**{"poll_seconds": 10, **stream}),
        }
    )


def test_new_entries_fire_and_unchanged_feeds_are_asked_conditionally(local_server):
    feed = Feed(local_server)
    feed.items = ["a", "b"]
    local_server.route("/feed", handler=feed)
    clock = Clock()
    watcher = FeedWatcher(settings_for(local_server, "/feed"), clock=clock)
    try:
        [first] = asyncio.run(watcher.poll_due())
        assert (first.name, first.new_entries, first.first_poll) == ("feed", 2, True)
        # Not due yet: no request at all.
        assert asyncio.run(watcher.poll_due()) == []
        assert len(local_server.headers_seen("/feed")) == 1
        assert watcher.seconds_to_next() == 10
        clock.now += 10
        assert asyncio.run(watcher.poll_due()) == []  # 304
        assert local_server.headers_seen("/feed")[-1].get("If-None-Match")
        feed.items.insert(0, "c")
        clock.now += 10
        [change] = asyncio.run(watcher.poll_due())
        assert (change.new_entries, change.first_poll) == (1, False)
        # An entry that drops off the feed and comes back is not new again.
        feed.items = ["a"]
        clock.now += 10
        assert asyncio.run(watcher.poll_due()) == []
    finally:
        watcher.close()


def test_each_feed_keeps_its_own_interval(local_server):
    fast, slow = Feed(local_server), Feed(local_server)
    local_server.route("/fast", handler=fast)
    local_server.route("/slow", handler=slow)
    settings = settings_for(local_server, "/fast", "/slow")
    sources = [settings.sources[0], settings.sources[1].model_copy(update={"poll_seconds": 60})]
    clock = Clock()
    watcher = FeedWatcher(settings.model_copy(update={"sources": sources}), clock=clock)
    try:
        asyncio.run(watcher.poll_due())
        for _ in range(5):
            clock.now += 10
            asyncio.run(watcher.poll_due())
        assert len(local_server.headers_seen("/fast")) == 6
        assert len(local_server.headers_seen("/slow")) == 1
    finally:
        watcher.close()


def test_failing_feed_backs_off_honours_retry_after_and_recovers(local_server):
    feed = Feed(local_server)
    feed.items = ["a"]
    reply = local_server.Reply
    replies = iter(
        [reply(503, b"busy", {"Retry-After": "600"}), reply(500, b"oops"), reply(500, b"oops")]
    )

    def flaky(request: Any) -> Any:
        return next(replies, None) or feed(request)

    local_server.route("/feed", handler=flaky)
    clock = Clock()
    settings = settings_for(
        local_server, "/feed", backoff_initial_seconds=30, backoff_max_seconds=900
    )
    watcher = FeedWatcher(settings, clock=clock)
    state = watcher.feeds["feed"]
    try:
        assert asyncio.run(watcher.poll_due()) == []
        assert state.next_due - clock.now >= 600  # the server's Retry-After, not our 30 s
        waits = []
        for _ in range(2):
            clock.now = state.next_due
            asyncio.run(watcher.poll_due())
            waits.append(state.next_due - clock.now)
        assert 30 * 2 * 0.8 <= waits[0] <= 60 and 30 * 4 * 0.8 <= waits[1] <= 120
        assert state.failures == 3 and "500" in (state.last_error or "")
        clock.now = state.next_due
        [change] = asyncio.run(watcher.poll_due())
        assert change.new_entries == 1 and state.failures == 0
        assert state.next_due - clock.now == 10
    finally:
        watcher.close()


def test_backoff_is_capped():
    cfg = StreamSettings(backoff_initial_seconds=30, backoff_max_seconds=900)
    assert all(900 * 0.8 <= backoff_seconds(cfg, n) <= 900 for n in (6, 10, 60))


@pytest.mark.e2e
def test_trigger_fires_at_start_and_on_new_entries(local_server, make_config):
    from newswatch.triggers import FeedWatchTrigger

    feed = Feed(local_server)
    feed.items = ["a"]
    local_server.route("/feed", handler=feed)
    config = make_config(
        f"  - {{name: wire, url: '{local_server.url('/feed')}'}}\n",
        "stream:\n  poll_seconds: 1\n",
    )
    trigger = FeedWatchTrigger(config=str(config))
    assert trigger.serialize() == (
        "newswatch.triggers.FeedWatchTrigger",
        {"config": str(config), "db": None},
    )

    async def two_events() -> list[dict]:
        events = trigger.run()
        first = await asyncio.wait_for(anext(events), 20)
        feed.items.insert(0, "b")
        second = await asyncio.wait_for(anext(events), 20)
        await events.aclose()
        return [first.payload, second.payload]

    first, second = asyncio.run(two_events())
    assert first["feeds"] == ["wire"] and first["new_entries"] == 1 and first["first_poll"]
    assert second["feeds"] == ["wire"] and second["new_entries"] == 1
    assert not second["first_poll"]
