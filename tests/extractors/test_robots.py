"""robots.txt through the Fetcher against a real local server, and the cache on its own."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from extractors.fetch import Fetcher
from extractors.robots import RobotsCache, RobotsResponse, robots_url
from newswatch.settings import FetchSettings

FAST = FetchSettings(
    connect_timeout=2.0,
    read_timeout=1.0,
    total_timeout=5.0,
    retries=1,
    backoff_initial=0.01,
    backoff_max=0.05,
    allow_hosts=["127.0.0.1:*"],
)


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FAST) as f:
        yield f


def robots(local_server: Any, text: str) -> None:
    local_server.route("/robots.txt", body=text.encode(), headers={"Content-Type": "text/plain"})


def test_disallowed_page_is_refused_without_a_request(fetcher: Fetcher, local_server: Any) -> None:
    robots(local_server, "User-agent: *\nDisallow: /private/\n")
    local_server.route("/private/page", body=b"secret")
    local_server.route("/public", body=b"hello")
    result = fetcher.fetch(local_server.url("/private/page"))
    assert result.error == "disallowed by robots.txt"
    assert not result.retryable and result.content is None
    assert local_server.counts["/private/page"] == 0
    assert fetcher.fetch(local_server.url("/public")).content == b"hello"


def test_group_for_our_user_agent_applies(fetcher: Fetcher, local_server: Any) -> None:
    robots(local_server, "User-agent: newswatch\nDisallow: /\n\nUser-agent: *\nAllow: /\n")
    local_server.route("/page", body=b"x")
    assert fetcher.fetch(local_server.url("/page")).error == "disallowed by robots.txt"
    assert local_server.counts["/page"] == 0


def test_redirect_into_a_disallowed_path_is_refused(fetcher: Fetcher, local_server: Any) -> None:
    robots(local_server, "User-agent: *\nDisallow: /private/\n")
    local_server.route("/go", status=302, headers={"Location": "/private/x"})
    result = fetcher.fetch(local_server.url("/go"))
    assert result.error == "disallowed by robots.txt"
    assert result.final_url == local_server.url("/private/x")
    assert local_server.counts["/private/x"] == 0


def test_robots_fetched_once_per_host(fetcher: Fetcher, local_server: Any) -> None:
    robots(local_server, "User-agent: *\nDisallow: /nope\n")
    for i in range(10):
        local_server.route(f"/p{i}", body=b"%d" % i)
    results = list(fetcher.iter_fetch([local_server.url(f"/p{i}") for i in range(10)]))
    assert all(r.ok for r in results)
    fetcher.fetch(local_server.url("/p0"))
    assert local_server.counts["/robots.txt"] == 1


def test_crawl_delay_spaces_requests(fetcher: Fetcher, local_server: Any) -> None:
    robots(local_server, "User-agent: *\nCrawl-delay: 0.4\n")
    seen: list[float] = []

    def page(_request: Any) -> Any:
        seen.append(time.monotonic())
        return local_server.Reply(200, b"ok")

    local_server.route("/a", handler=page)
    local_server.route("/b", handler=page)
    assert all(
        r.ok for r in list(fetcher.iter_fetch([local_server.url("/a"), local_server.url("/b")]))
    )
    assert len(seen) == 2
    assert seen[1] - seen[0] >= 0.4 - 0.02


def test_crawl_delay_is_capped(local_server: Any) -> None:
    robots(local_server, "User-agent: *\nCrawl-delay: 3600\n")
    local_server.route("/a", body=b"a")
    local_server.route("/b", body=b"b")
    started = time.monotonic()
    with Fetcher(FAST.model_copy(update={"max_crawl_delay": 0.2})) as fetcher:
        assert fetcher.fetch(local_server.url("/a")).ok
        assert fetcher.fetch(local_server.url("/b")).ok
    # Waited the cap (0.2 s), not the hour the site asked for.
    assert 0.18 <= time.monotonic() - started < 5.0


@pytest.mark.parametrize("status", [404, 403, 410])
def test_robots_4xx_allows_everything(fetcher: Fetcher, local_server: Any, status: int) -> None:
    local_server.route("/robots.txt", status=status)
    local_server.route("/page", body=b"ok")
    assert fetcher.fetch(local_server.url("/page")).content == b"ok"
    assert local_server.counts["/robots.txt"] == 1


def test_robots_5xx_disallows_for_now_retryable(fetcher: Fetcher, local_server: Any) -> None:
    local_server.route("/robots.txt", status=503)
    local_server.route("/page", body=b"ok")
    result = fetcher.fetch(local_server.url("/page"))
    assert result.error == "disallowed by robots.txt (robots.txt HTTP 503)"
    assert result.retryable and result.attempts == 1
    assert local_server.counts["/page"] == 0


def test_robots_can_be_ignored(local_server: Any) -> None:
    robots(local_server, "User-agent: *\nDisallow: /\n")
    local_server.route("/page", body=b"ok")
    with Fetcher(FAST.model_copy(update={"respect_robots": False})) as fetcher:
        assert fetcher.fetch(local_server.url("/page")).content == b"ok"
    assert local_server.counts["/robots.txt"] == 0


def test_cache_expires_after_ttl_and_is_single_flight() -> None:
    now = [0.0]
    calls: list[str] = []
    gate = threading.Event()

    def fetch(url: str) -> RobotsResponse:
        calls.append(url)
        gate.wait(1.0)
        return RobotsResponse(200, b"User-agent: *\nDisallow: /x\n")

    cache = RobotsCache(fetch, "newswatch/0.1", ttl=60, clock=lambda: now[0])
    threads = [
        threading.Thread(target=cache.check, args=("http://example.org/a",)) for _ in range(5)
    ]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join()
    assert calls == ["http://example.org/robots.txt"]
    assert not cache.check("http://example.org/x/1").allowed
    now[0] = 61.0
    assert cache.check("http://example.org/y").allowed
    assert len(calls) == 2


def test_unreachable_robots_allows_and_is_retried_later() -> None:
    now = [0.0]
    calls: list[str] = []

    def fetch(url: str) -> RobotsResponse:
        calls.append(url)
        return RobotsResponse(None, error="connection error")

    cache = RobotsCache(fetch, "newswatch/0.1", ttl=3600, clock=lambda: now[0])
    assert cache.check("https://example.org/a").allowed
    now[0] = 301.0
    assert cache.check("https://example.org/a").allowed
    assert len(calls) == 2


def test_robots_cache_keeps_only_the_most_recent_origins() -> None:
    calls: list[str] = []

    def fetch(url: str) -> RobotsResponse:
        calls.append(url)
        return RobotsResponse(200, b"User-agent: *\nDisallow: /x\n")

    cache = RobotsCache(fetch, "newswatch/0.1", max_origins=2, clock=lambda: 0.0)
    for host in ["a", "b", "a", "c", "a", "b"]:
        cache.check(f"https://{host}.example/page")
    # a stays (used most recently), b was evicted by c and fetched again.
    assert calls == [f"https://{h}.example/robots.txt" for h in ["a", "b", "c", "b"]]


def test_robots_url() -> None:
    assert robots_url("https://User:pw@Example.org:8443/a/b?q=1#f") == (
        "https://example.org:8443/robots.txt"
    )
    assert robots_url("file:///etc/passwd") is None
