"""Fetcher against a real local HTTP server: bodies, validators, retries, limits and failures."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from extractors.fetch import Fetcher, FetchResult
from newswatch.settings import FetchSettings

FAST = FetchSettings(
    connect_timeout=2.0,
    read_timeout=0.3,
    total_timeout=5.0,
    max_bytes=2048,
    max_redirects=3,
    retries=3,
    backoff_initial=0.01,
    backoff_max=0.05,
    retry_after_max=5.0,
    concurrency=4,
    allow_hosts=["127.0.0.1:*"],
)


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FAST) as f:
        yield f


def test_200_returns_body_and_validators(fetcher: Fetcher, local_server: Any) -> None:
    local_server.route(
        "/feed.xml",
        body=b"<rss/>",
        headers={"Content-Type": "application/rss+xml", "ETag": '"v1"', "Last-Modified": "x"},
    )
    result = fetcher.fetch(local_server.url("/feed.xml"))
    assert result.ok
    assert (result.status, result.content, result.error) == (200, b"<rss/>", None)
    assert result.content_type == "application/rss+xml"
    assert (result.etag, result.last_modified) == ('"v1"', "x")
    assert result.final_url == result.url == local_server.url("/feed.xml")
    assert result.attempts == 1 and not result.not_modified and not result.retryable


def test_user_agent_and_accept_headers(fetcher: Fetcher, local_server: Any) -> None:
    local_server.route("/ua", body=b"ok")
    fetcher.fetch(local_server.url("/ua"))
    seen = local_server.headers_seen("/ua")[0]
    assert "newswatch" in seen["User-Agent"]
    assert "application/rss+xml" in seen["Accept"]
    assert seen["If-None-Match"] is None and seen["If-Modified-Since"] is None


def test_conditional_get_304_is_not_modified(fetcher: Fetcher, local_server: Any) -> None:
    Reply = local_server.Reply

    def conditional(request: Any) -> Any:
        if request.headers["If-None-Match"] == '"v1"':
            return Reply(304)
        return Reply(200, b"<rss/>", {"ETag": '"v1"'})

    local_server.route("/feed.xml", handler=conditional)
    result = fetcher.fetch(
        local_server.url("/feed.xml"), etag='"v1"', last_modified="Wed, 21 Oct 2015 07:28:00 GMT"
    )
    seen = local_server.headers_seen("/feed.xml")[0]
    assert seen["If-None-Match"] == '"v1"'
    assert seen["If-Modified-Since"] == "Wed, 21 Oct 2015 07:28:00 GMT"
    assert result.ok and result.not_modified
    assert (result.status, result.content) == (304, None)
    # The 304 carried no validators: the caller's are handed back to be stored again.
    assert result.etag == '"v1"'
    assert result.last_modified == "Wed, 21 Oct 2015 07:28:00 GMT"


def test_404_is_permanent_after_one_attempt(fetcher: Fetcher, local_server: Any) -> None:
    local_server.route("/gone", status=404, body=b"nope")
    result = fetcher.fetch(local_server.url("/gone"))
    assert not result.ok
    assert (result.error, result.status, result.retryable, result.attempts) == (
        "HTTP 404",
        404,
        False,
        1,
    )
    assert result.content is None
    assert local_server.counts["/gone"] == 1


def test_503_twice_then_200_succeeds_on_third_attempt(fetcher: Fetcher, local_server: Any) -> None:
    Reply = local_server.Reply
    local_server.sequence("/flaky", [Reply(503), Reply(503), Reply(200, b"finally")])
    result = fetcher.fetch(local_server.url("/flaky"))
    assert result.ok and result.content == b"finally"
    assert result.attempts == 3
    assert local_server.counts["/flaky"] == 3


def test_persistent_503_gives_up_retryable(fetcher: Fetcher, local_server: Any) -> None:
    local_server.route("/down", status=503)
    result = fetcher.fetch(local_server.url("/down"))
    assert result.error == "HTTP 503 after 4 attempts"
    assert result.retryable and result.attempts == 4
    assert local_server.counts["/down"] == 4


def test_retry_after_seconds_is_waited_out(fetcher: Fetcher, local_server: Any) -> None:
    Reply = local_server.Reply
    local_server.sequence("/busy", [Reply(503, headers={"Retry-After": "1"}), Reply(200, b"ok")])
    result = fetcher.fetch(local_server.url("/busy"))
    assert result.ok and result.attempts == 2
    assert result.elapsed >= 0.9


def test_retry_after_http_date_is_understood(fetcher: Fetcher, local_server: Any) -> None:
    Reply = local_server.Reply
    when = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 3600))
    local_server.sequence("/later", [Reply(429, headers={"Retry-After": when}), Reply(200)])
    result = fetcher.fetch(local_server.url("/later"))
    assert result.error is not None and "retry-after" in result.error
    assert local_server.counts["/later"] == 1


def test_retry_after_beyond_limit_stops_at_once(fetcher: Fetcher, local_server: Any) -> None:
    local_server.route("/slowdown", status=429, headers={"Retry-After": "3600"})
    result = fetcher.fetch(local_server.url("/slowdown"))
    assert local_server.counts["/slowdown"] == 1  # not waited out, not retried
    assert result.error == "HTTP 429: retry-after 3600s exceeds limit"
    assert result.retryable and result.attempts == 1 and result.status == 429


def test_oversize_body_with_content_length(fetcher: Fetcher, local_server: Any) -> None:
    local_server.route("/big", body=b"x" * 10_000)
    result = fetcher.fetch(local_server.url("/big"))
    assert result.error == "body larger than 2048 bytes"
    assert not result.retryable and result.content is None and result.attempts == 1


def test_oversize_chunked_body_is_cut_off(fetcher: Fetcher, local_server: Any) -> None:
    reply = local_server.Reply(200, b"y" * 10_000, chunked=True)
    local_server.route("/stream", handler=lambda _r: reply)
    result = fetcher.fetch(local_server.url("/stream"))
    assert result.error == "body larger than 2048 bytes"
    assert not result.retryable and result.content is None


def test_body_at_the_limit_is_accepted(fetcher: Fetcher, local_server: Any) -> None:
    reply = local_server.Reply(200, b"z" * 2048, chunked=True)
    local_server.route("/exact", handler=lambda _r: reply)
    result = fetcher.fetch(local_server.url("/exact"))
    assert result.ok and result.content == b"z" * 2048


def test_redirect_is_followed(fetcher: Fetcher, local_server: Any) -> None:
    local_server.route("/old", status=301, headers={"Location": "/new"})
    local_server.route("/new", body=b"moved")
    result = fetcher.fetch(local_server.url("/old"))
    assert result.ok and result.content == b"moved"
    assert result.final_url == local_server.url("/new")
    assert result.url == local_server.url("/old")


def test_redirect_to_itself_is_a_loop(fetcher: Fetcher, local_server: Any) -> None:
    local_server.route("/loop", status=302, headers={"Location": "/loop"})
    result = fetcher.fetch(local_server.url("/loop"))
    assert result.error == "redirect loop"
    assert not result.retryable and result.attempts == 1
    assert local_server.counts["/loop"] == 1


def test_long_redirect_chain_is_too_many_redirects(fetcher: Fetcher, local_server: Any) -> None:
    for i in range(6):
        local_server.route(f"/r{i}", status=302, headers={"Location": f"/r{i + 1}"})
    result = fetcher.fetch(local_server.url("/r0"))
    assert result.error == "too many redirects"
    assert not result.retryable and result.attempts == 1
    # max_redirects=3: the start and three hops are requested, the fourth hop is not.
    assert [local_server.counts[f"/r{i}"] for i in range(6)] == [1, 1, 1, 1, 0, 0]


def test_connection_closed_without_response_is_retryable(
    fetcher: Fetcher, local_server: Any
) -> None:
    local_server.route("/hangup", handler=lambda _r: None)
    result = fetcher.fetch(local_server.url("/hangup"))
    assert result.error == "connection closed by server after 4 attempts"
    assert result.retryable and result.status is None
    assert local_server.counts["/hangup"] == 4


def test_read_timeout_is_retryable(local_server: Any) -> None:
    local_server.route("/sleepy", handler=lambda _r: local_server.Reply(200, b"late", delay=1.0))
    with Fetcher(FAST.model_copy(update={"retries": 1})) as fetcher:
        result = fetcher.fetch(local_server.url("/sleepy"))
    assert result.error == "timeout: read after 2 attempts"
    assert result.retryable and result.attempts == 2


def test_total_timeout_stops_a_slow_drip(local_server: Any) -> None:
    def drip(request: Any) -> None:
        raw = request.raw
        raw.send_response(200)
        raw.send_header("Transfer-Encoding", "chunked")
        raw.end_headers()
        for _ in range(40):
            raw.wfile.write(b"1\r\nx\r\n")
            raw.wfile.flush()
            time.sleep(0.05)
        raw.wfile.write(b"0\r\n\r\n")

    local_server.route("/drip", handler=drip)
    with Fetcher(FAST.model_copy(update={"total_timeout": 0.5})) as fetcher:
        result = fetcher.fetch(local_server.url("/drip"))
    assert result.error == "timeout: total"
    assert result.retryable and result.attempts == 1 and result.content is None


def test_connection_refused_is_retryable(local_server: Any) -> None:
    port = local_server.port
    local_server.stop()
    with Fetcher(FAST.model_copy(update={"retries": 1})) as fetcher:
        result = fetcher.fetch(f"http://127.0.0.1:{port}/x")
    assert result.error is not None and result.error.startswith("connection error")
    assert result.retryable and result.attempts == 2


@pytest.mark.parametrize(
    "url", ["ftp://example.com/feed", "file:///etc/passwd", "javascript:alert(1)", "feed.xml"]
)
def test_unsupported_scheme_is_permanent(fetcher: Fetcher, url: str) -> None:
    result = fetcher.fetch(url)
    assert result.error == "unsupported scheme"
    assert not result.retryable and result.attempts == 0 and result.status is None


def test_iter_fetch_keeps_input_order(fetcher: Fetcher, local_server: Any) -> None:
    Reply = local_server.Reply
    for i in range(8):
        # Earlier URLs answer later, so completion order is the reverse of input order.
        reply = Reply(200, b"%d" % i, delay=(8 - i) * 0.02)
        local_server.route(f"/p{i}", handler=lambda _r, reply=reply: reply)
    local_server.route("/missing", status=404)
    urls = [local_server.url(f"/p{i}") for i in range(8)] + [local_server.url("/missing")]
    results: list[FetchResult] = list(fetcher.iter_fetch(urls))
    assert [r.url for r in results] == urls
    assert [r.content for r in results[:8]] == [b"%d" % i for i in range(8)]
    assert results[8].error == "HTTP 404"
    assert list(fetcher.iter_fetch([])) == []


def test_iter_fetch_hands_over_each_page_before_slower_later_ones_finish(
    local_server: Any,
) -> None:
    Reply = local_server.Reply
    local_server.route("/first", body=b"first")
    slow = Reply(200, b"slow", delay=1.0)
    local_server.route("/slow", handler=lambda _r: slow)
    fetcher = Fetcher(FAST.model_copy(update={"read_timeout": 5.0}))
    started = time.monotonic()
    results = fetcher.iter_fetch([local_server.url("/first"), local_server.url("/slow")])
    first = next(results)
    waited = time.monotonic() - started
    assert first.content == b"first"
    # The caller has the first page while the second is still on its way.
    assert waited < 0.6, waited
    assert next(results).content == b"slow"
    assert time.monotonic() - started >= 1.0
    assert list(results) == []
    assert list(fetcher.iter_fetch([])) == []
    fetcher.close()


def test_unresolvable_host_fails_at_once_and_is_retryable_next_run():
    # `.invalid` never resolves (RFC 2606); no retries are spent on it within the run.
    from extractors.fetch import Fetcher
    from newswatch.settings import FetchSettings

    with Fetcher(FetchSettings(retries=3, backoff_initial=1.0)) as fetcher:
        result = fetcher.fetch("http://newswatch-test.invalid/feed.xml")
    assert result.error and result.error.startswith("connection error")
    assert result.retryable and result.attempts == 1


def test_fetch_result_reads_retry_after_only_when_the_server_asks_to_wait():
    from datetime import datetime

    def result(status: int, value: str) -> FetchResult:
        return FetchResult(
            "u",
            "u",
            status,
            None,
            None,
            None,
            None,
            False,
            None,
            True,
            1,
            0.0,
            {"retry-after": value},
        )

    now = datetime(2022, 1, 6, 12, 0)
    assert result(503, "Thu, 06 Jan 2022 12:01:00 GMT").retry_after(now) == 60
    assert result(429, "30").retry_after(now) == 30
    assert result(500, "30").retry_after(now) is None  # only 429 and 503 ask to wait


def _header_trickle(request: Any) -> None:
    """Status line and headers one byte at a time, each well inside the read timeout."""
    raw = request.raw
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Pad: " + b"a" * 200 + b"\r\n\r\n"
    try:
        for byte in head:
            raw.wfile.write(bytes([byte]))
            raw.wfile.flush()
            time.sleep(0.05)
    except OSError:
        pass  # the client gave up, as it should
    raw.close_connection = True


def test_total_timeout_stops_headers_sent_a_byte_at_a_time(local_server: Any) -> None:
    local_server.route("/trickle", handler=_header_trickle)
    settings = FAST.model_copy(update={"total_timeout": 1.0, "read_timeout": 1.0})
    with Fetcher(settings) as fetcher:
        result = fetcher.fetch(local_server.url("/trickle"))
    # Each byte came within the read timeout; only the deadline over the whole request ends it,
    # and it is not retried on the spot (the server would hold the run as long again).
    assert result.error == "timeout: total"
    assert result.retryable and result.attempts == 1
    assert local_server.counts["/trickle"] == 1


def test_total_timeout_also_bounds_robots_txt(local_server: Any) -> None:
    local_server.route("/robots.txt", handler=_header_trickle)
    local_server.route("/page", body=b"<html>ok</html>", headers={"Content-Type": "text/html"})
    settings = FAST.model_copy(update={"total_timeout": 1.0, "respect_robots": True})
    with Fetcher(settings) as fetcher:
        result = fetcher.fetch(local_server.url("/page"))
    # The robots request ends at its deadline (no answer: allowed), then the page is fetched.
    assert result.ok and result.content == b"<html>ok</html>"
    assert local_server.counts["/robots.txt"] == 1
