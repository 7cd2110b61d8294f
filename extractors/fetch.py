"""HTTP fetching for a run: one pooled httpx client, bounded bodies, polite retries.

Every request and redirect hop passes the SSRF guard (`extractors.netguard`: public addresses
only unless allow-listed, connections pinned to the checked addresses) and robots.txt
(`extractors.robots`), and waits for a per-host slot (concurrency and minimum spacing, raised
by Crawl-delay). Bodies are decoded here, not by httpx, so a gzip bomb is stopped while it
inflates. `FetchResult.text` turns bytes into text through `extractors.decode`.

Why one module of this size: the guarded transport, the per-host limiter, the retry loop and
the bounded body reader share one client and one request's state (guard decisions, redirect
hops, attempt counts); split apart they would pass that state through every call.
"""

from __future__ import annotations

import functools
import logging
import math
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from types import TracebackType
from typing import Any, Self
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_result,
    stop_after_attempt,
    wait_exponential_jitter,
)

from common.retry import retry_after_seconds
from extractors.config import FetchSettings
from extractors.decode import decode_body
from extractors.netguard import DEFAULT_PORTS, AddressRefused, GuardedBackend, NetGuard
from extractors.robots import RobotsCache, RobotsResponse

logger = logging.getLogger("newswatch.fetch")

# Feeds first, then pages; anything else is still accepted so odd servers don't answer 406.
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, application/xhtml+xml;q=0.8, "
    "*/*;q=0.5"
)
# Only what _BodyDecoder can inflate within bounds.
ACCEPT_ENCODING = "gzip, deflate"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_WEB_SCHEMES = frozenset({"http", "https"})
# RFC 9309: at least 500 KiB of robots.txt must be parsed; the rest may be ignored.
ROBOTS_MAX_BYTES = 512 * 1024
ROBOTS_MAX_REDIRECTS = 5
# The compression-ratio guard looks at bodies past this size only: tiny pages compress wildly.
_RATIO_MIN_BYTES = 1 << 20
# Largest piece inflated at once, so memory stays bounded whatever the ratio.
_INFLATE_STEP = 64 * 1024


@dataclass(frozen=True)
class FetchResult:
    """What one URL fetch produced, success or not."""

    url: str
    final_url: str
    status: int | None
    content: bytes | None
    content_type: str | None
    etag: str | None
    last_modified: str | None
    not_modified: bool
    error: str | None
    retryable: bool
    attempts: int
    elapsed: float
    headers: dict[str, str] | None = None  # response headers, lower-cased names (polling)

    def retry_after(self, now: datetime | None = None) -> float | None:
        """A 429/503's Retry-After in seconds (delta-seconds or HTTP date), else None."""
        if self.status not in (429, 503):
            return None
        return retry_after_seconds((self.headers or {}).get("retry-after"), now)

    @property
    def ok(self) -> bool:
        """True for a body or a 304."""
        return self.error is None

    @property
    def text(self) -> str | None:
        """The body as text (see `decode_body`), or None without a body. Decodes on each call."""
        if self.content is None:
            return None
        return decode_body(self.content, self.content_type)


@dataclass(frozen=True)
class _Outcome:
    """One attempt's result plus whether and when to try again within this run."""

    result: FetchResult
    retry_now: bool = False
    retry_after: float | None = None


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying TLS context per process: loading the CA bundle takes ~50 ms, and a
    Fetcher is made per task (per batch of 50 pages)."""
    return httpx.create_ssl_context(trust_env=False)


TOTAL_TIMEOUT = "total timeout reached"
# The wall-clock deadline of the request this thread is making (monotonic seconds), or None.
_DEADLINE = threading.local()


def _remaining(timeout: float | None) -> float | None:
    """`timeout` cut to what is left of this thread's deadline; ReadTimeout once it passed."""
    deadline: float | None = getattr(_DEADLINE, "at", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout(TOTAL_TIMEOUT)
    return left if timeout is None else min(timeout, left)


@contextmanager
def _deadline(seconds: float) -> Iterator[float]:
    """Give every socket operation of this thread's request at most `seconds` in all: a server
    that sends its headers or body a byte at a time can't hold a run past it."""
    previous = getattr(_DEADLINE, "at", None)
    _DEADLINE.at = time.monotonic() + seconds
    try:
        yield _DEADLINE.at
    finally:
        _DEADLINE.at = previous


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every read and write stops at the thread's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _remaining(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _remaining(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _remaining(timeout))
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(GuardedBackend):
    """The guarded backend, with connects and streams held to the thread's deadline."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        stream = super().connect_tcp(host, port, _remaining(timeout), local_address, socket_options)
        return _DeadlineStream(stream)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool whose every TCP connect passes `guard`."""

    def __init__(self, guard: NetGuard) -> None:
        super().__init__(verify=_ssl_context(), trust_env=False)
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
        # httpx has no public hook for the network backend; its pool is replaced wholesale.
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_DeadlineBackend(guard),
        )


class _HostLimiter:
    """Per-host concurrency slots and minimum spacing between request starts; thread-safe.

    `clock` and `sleep` are injectable so the spacing can be tested without real waiting.
    """

    def __init__(
        self,
        concurrency: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._concurrency = concurrency
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}

    @contextmanager
    def slot(self, host: str, delay: float) -> Iterator[None]:
        """Hold one of `host`'s slots, starting no sooner than `delay` after its last start."""
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.BoundedSemaphore(self._concurrency))
        with semaphore:
            with self._lock:
                now = self._clock()
                start = max(now, self._next_start.get(host, 0.0))
                self._next_start[host] = start + delay
            if start > now:
                self._sleep(start - now)
            yield


class _TooBig(Exception):
    """The decoded body passed the size limit."""


class _Bomb(Exception):
    """The body inflates far more than real pages do."""


class _BodyDecoder:
    """Undoes Content-Encoding piece by piece, never holding more than `limit` bytes + a step."""

    def __init__(self, encoding: str, limit: int, max_ratio: float) -> None:
        self.body = bytearray()
        self.raw = 0
        self._limit = limit
        self._max_ratio = max_ratio
        self._encoding = encoding
        self._started = False
        self._inflater = self._new_inflater(encoding)

    @staticmethod
    def _new_inflater(encoding: str) -> zlib._Decompress | None:
        if encoding == "":
            return None
        if encoding in {"gzip", "x-gzip"}:
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        if encoding == "deflate":
            return zlib.decompressobj()
        raise ValueError(encoding)

    @property
    def compressed(self) -> bool:
        return self._inflater is not None

    def feed(self, data: bytes) -> None:
        """Add raw bytes; raises _TooBig, _Bomb or zlib.error."""
        self.raw += len(data)
        if self._inflater is None:
            self._append(data)
            return
        if not self._started and self._encoding == "deflate":
            self._started = True
            try:  # "deflate" is zlib-wrapped by the spec and raw by some servers
                zlib.decompressobj().decompress(data[:64], 1)
            except zlib.error:
                self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        self._inflate(data)

    def _inflate(self, data: bytes) -> None:
        pending = data
        while self._inflater is not None:
            step = min(_INFLATE_STEP, self._limit - len(self.body) + 1)
            out = self._inflater.decompress(pending, step)
            pending = self._inflater.unconsumed_tail
            self._append(out)
            if self._inflater.eof and self._inflater.unused_data:
                # Another gzip member follows (concatenated gzip is valid).
                pending = self._inflater.unused_data
                self._inflater = self._new_inflater(self._encoding)
                continue
            if not pending and len(out) < step:
                return

    def _append(self, data: bytes) -> None:
        self.body.extend(data)
        if len(self.body) > self._limit:
            raise _TooBig
        if (
            self._inflater is not None
            and len(self.body) > _RATIO_MIN_BYTES
            and len(self.body) > self._max_ratio * max(self.raw, 1)
        ):
            raise _Bomb


class Fetcher:
    """Fetches URLs over one shared httpx client; safe to use from several threads."""

    def __init__(self, settings: FetchSettings) -> None:
        self.settings = settings
        # In-run retries: initial * 2^(n-1) plus up to `initial` of jitter, capped.
        self._backoff = wait_exponential_jitter(
            multiplier=settings.backoff_initial,
            max=settings.backoff_max,
            jitter=settings.backoff_initial,
        )
        self._guard = NetGuard(settings.allow_hosts)
        self._limiter = _HostLimiter(settings.per_host_concurrency)
        self._robots = RobotsCache(self._fetch_robots, settings.user_agent, ttl=settings.robots_ttl)
        self._content_types = frozenset(t.strip().lower() for t in settings.content_types)
        self._client = httpx.Client(
            transport=_GuardedTransport(self._guard),
            trust_env=False,  # an environment proxy would connect where the guard can't look
            timeout=httpx.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                pool=settings.connect_timeout,
            ),
            follow_redirects=False,  # followed by hand so every hop is checked
            headers={
                "User-Agent": settings.user_agent,
                "Accept": ACCEPT,
                "Accept-Encoding": ACCEPT_ENCODING,
            },
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the pooled connections."""
        self._client.close()

    def iter_fetch(self, urls: Sequence[str]) -> Iterator[FetchResult]:
        """Fetch `urls` concurrently, yielding each result in input order as soon as it and
        those before it are done, so the caller can work on a page while others download."""
        if not urls:
            return
        workers = min(self.settings.concurrency, len(urls))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="newswatch-fetch") as pool:
            yield from pool.map(self.fetch, urls)

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """Fetch one URL with retries; never raises."""
        started = time.monotonic()
        try:
            return self._fetch(url, etag, last_modified, started)
        except Exception as exc:  # the caller's run must go on whatever one URL does
            logger.warning("fetch of %s failed unexpectedly: %s", url, exc, exc_info=True)
            return _failure(url, f"unexpected error: {type(exc).__name__}: {_short(exc)}", True)

    def _fetch(
        self, url: str, etag: str | None, last_modified: str | None, started: float
    ) -> FetchResult:
        """Validate the URL, then run attempts under tenacity."""
        problem = _url_problem(url)
        if problem is not None:
            return _failure(url, problem, False)

        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified

        attempts = 0

        def attempt() -> _Outcome:
            nonlocal attempts
            attempts += 1
            return self._attempt(url, headers, etag, last_modified)

        retrying = Retrying(
            stop=stop_after_attempt(self.settings.retries + 1),
            wait=self._wait,
            retry=retry_if_result(lambda outcome: outcome.retry_now),
            # Out of attempts: hand back the last outcome instead of raising RetryError.
            retry_error_callback=_last_outcome,
            before_sleep=_log_retry,
        )
        outcome: _Outcome = retrying(attempt)
        result = outcome.result
        if outcome.retry_now and attempts > 1:
            result = replace(result, error=f"{result.error} after {attempts} attempts")
        result = replace(result, attempts=attempts, elapsed=time.monotonic() - started)
        _log_result(result)
        return result

    def _wait(self, state: RetryCallState) -> float:
        """Seconds before the next attempt: the server's Retry-After, else jittered backoff."""
        previous = state.outcome.result() if state.outcome is not None else None
        if isinstance(previous, _Outcome) and previous.retry_after is not None:
            return previous.retry_after
        return self._backoff(state)

    def _fetch_robots(self, url: str) -> RobotsResponse:
        """One try at a robots.txt, for RobotsCache; redirects followed, size truncated."""
        outcome = self._attempt(url, {}, None, None, robots=True)
        result = outcome.result
        if result.status is None:
            return RobotsResponse(None, error=result.error)
        return RobotsResponse(result.status, result.content, result.error)

    def _attempt(
        self,
        url: str,
        headers: dict[str, str],
        etag: str | None,
        last_modified: str | None,
        *,
        robots: bool = False,
    ) -> _Outcome:
        """One GET with redirects followed hop by hop, each hop checked before it's made."""
        max_redirects = ROBOTS_MAX_REDIRECTS if robots else self.settings.max_redirects
        current = url
        visited = {_without_fragment(url)}
        while True:
            step = self._hop(url, current, headers, etag, last_modified, robots)
            if isinstance(step, _Outcome):
                return step
            problem = _url_problem(step)
            if problem is not None:
                return _Outcome(_failure(url, problem, False, step))
            if _without_fragment(step) in visited:
                return _Outcome(_failure(url, "redirect loop", False, step))
            if len(visited) > max_redirects:
                return _Outcome(_failure(url, "too many redirects", False, step))
            visited.add(_without_fragment(step))
            current = step

    def _hop(
        self,
        url: str,
        current: str,
        headers: dict[str, str],
        etag: str | None,
        last_modified: str | None,
        robots: bool,
    ) -> _Outcome | str:
        """Request `current` once: an outcome, or the URL a redirect points to."""

        def fail(error: str, retryable: bool, retry_now: bool = False) -> _Outcome:
            return _Outcome(_failure(url, error, retryable, current), retry_now=retry_now)

        deadline: float | None = None
        try:
            target = httpx.URL(current)
            host = target.raw_host.decode("ascii")
            port = target.port or DEFAULT_PORTS[target.scheme]
            self._guard.check(host, port)
            delay = self.settings.per_host_delay
            if self.settings.respect_robots and not robots:
                verdict = self._robots.check(current)
                if not verdict.allowed:
                    return fail(verdict.reason or "disallowed by robots.txt", verdict.retryable)
                if verdict.crawl_delay:
                    delay = max(delay, min(verdict.crawl_delay, self.settings.max_crawl_delay))
            # The deadline starts once the host's slot is ours: a crawl delay is not the server's.
            with (
                self._limiter.slot(f"{host}:{port}", delay),
                _deadline(self.settings.total_timeout) as deadline,
                self._client.stream("GET", current, headers=headers) as response,
            ):
                location = response.headers.get("location")
                if response.status_code in REDIRECT_STATUSES and location:
                    return urljoin(str(response.url), str(location).strip())
                return self._read(url, response, etag, last_modified, robots)
        except AddressRefused as exc:
            return fail(f"refused: {exc}", False)
        except socket.gaierror as exc:
            # A name that does not resolve will not resolve a second later: try next run.
            return fail(f"connection error: {_short(exc) or 'name does not resolve'}", True)
        except httpx.UnsupportedProtocol:
            return fail("unsupported scheme", False)
        except httpx.TimeoutException as exc:
            if deadline is not None and time.monotonic() >= deadline:
                # A server that held the whole deadline would hold it again: next run, not now.
                return fail("timeout: total", True)
            return fail(f"timeout: {_timeout_kind(exc)}", True, retry_now=True)
        except httpx.RemoteProtocolError as exc:
            if "disconnect" in str(exc).lower() or "closed" in str(exc).lower():
                return fail("connection closed by server", True, retry_now=True)
            return fail(f"protocol error: {_short(exc)}", True)
        except (httpx.ConnectError, httpx.ReadError, httpx.WriteError) as exc:
            reason = f"connection error: {_short(exc) or type(exc).__name__}"
            return fail(reason, True, retry_now=not _dns_failure(exc))
        except httpx.DecodingError as exc:
            return fail(f"undecodable body: {_short(exc)}", False)
        except (httpx.InvalidURL, httpx.LocalProtocolError) as exc:
            return fail(f"invalid request: {_short(exc)}", False)
        except httpx.TransportError as exc:
            return fail(f"transport error: {_short(exc)}", True)

    def _read(
        self,
        url: str,
        response: httpx.Response,
        etag: str | None,
        last_modified: str | None,
        robots: bool = False,
    ) -> _Outcome:
        """Turn a response into an outcome, reading at most max_bytes of body."""
        status = response.status_code
        base = FetchResult(
            url=url,
            final_url=str(response.url),
            status=status,
            content=None,
            content_type=response.headers.get("content-type"),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            not_modified=False,
            error=None,
            retryable=False,
            attempts=0,
            elapsed=0.0,
            headers=dict(response.headers),
        )
        if status == 304:
            # Servers may omit validators on 304; the caller's still hold.
            return _Outcome(
                replace(
                    base,
                    not_modified=True,
                    etag=base.etag or etag,
                    last_modified=base.last_modified or last_modified,
                )
            )
        if status >= 300:
            return self._http_error(base, response)
        if robots:
            return _Outcome(self._read_body(base, response, ROBOTS_MAX_BYTES, truncate=True))
        media = (base.content_type or "").split(";", 1)[0].strip().lower()
        if media and media not in self._content_types:
            return _Outcome(replace(base, error=f"unsupported content type: {_short(media, 80)}"))
        return _Outcome(self._read_body(base, response, self.settings.max_bytes))

    def _http_error(self, base: FetchResult, response: httpx.Response) -> _Outcome:
        """An outcome for a 3xx left unfollowed, a 4xx or a 5xx."""
        status = response.status_code
        # 408 and 5xx are the server's momentary trouble; other 4xx won't fix themselves.
        retryable = status in RETRY_STATUSES or status == 408 or status >= 500
        result = replace(base, error=f"HTTP {status}", retryable=retryable)
        if status not in RETRY_STATUSES:
            return _Outcome(result)
        delay = retry_after_seconds(response.headers.get("retry-after"))
        if delay is not None and delay > self.settings.retry_after_max:
            # Waiting that long would stall the run; the URL is retried next run instead.
            reason = f"HTTP {status}: retry-after {math.ceil(delay)}s exceeds limit"
            return _Outcome(replace(result, error=reason))
        return _Outcome(result, retry_now=True, retry_after=delay)

    def _read_body(
        self, base: FetchResult, response: httpx.Response, limit: int, truncate: bool = False
    ) -> FetchResult:
        """Stream and decode the body within the size limits (the request's deadline holds on
        every read of the stream beneath)."""
        too_big = replace(base, error=f"body larger than {limit} bytes")
        encodings = [
            e.strip().lower()
            for e in response.headers.get("content-encoding", "").split(",")
            if e.strip().lower() not in {"", "identity"}
        ]
        if len(encodings) > 1:
            return replace(base, error=f"unsupported content encoding: {', '.join(encodings)}")
        try:
            decoder = _BodyDecoder(
                encodings[0] if encodings else "", limit, self.settings.max_compression_ratio
            )
        except ValueError:
            return replace(base, error=f"unsupported content encoding: {_short(encodings[0], 40)}")
        declared = _content_length(response.headers.get("content-length"))
        if declared is not None and declared > limit and not truncate:
            return too_big
        try:
            for chunk in response.iter_raw():
                if decoder.raw + len(chunk) > limit and not truncate:
                    return too_big
                decoder.feed(chunk)
        except _TooBig:
            if truncate:
                return replace(base, content=bytes(decoder.body[:limit]))
            if decoder.compressed:
                return replace(base, error=f"body larger than {limit} bytes (decompressed)")
            return too_big
        except _Bomb:
            ratio = self.settings.max_compression_ratio
            return replace(base, error=f"compression ratio above {ratio:g}:1 (decompressed)")
        except zlib.error as exc:
            return replace(base, error=f"undecodable body: {_short(exc)}")
        return replace(base, content=bytes(decoder.body))


def _url_problem(url: str) -> str | None:
    """Why `url` can't be fetched at all (scheme, host), or None."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"invalid URL: {_short(exc)}"
    if parts.scheme.lower() not in _WEB_SCHEMES:
        return "unsupported scheme"
    try:
        hostname = parts.hostname
    except ValueError as exc:
        return f"invalid URL: {_short(exc)}"
    if not hostname:
        return "invalid URL: no host"
    return None


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def _dns_failure(exc: BaseException) -> bool:
    """Whether a connect error comes from name resolution."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, socket.gaierror):
            return True
        seen = seen.__cause__ or seen.__context__
    text = str(exc).lower()
    return "name or service not known" in text or "nodename nor servname" in text


def _failure(url: str, error: str, retryable: bool, final_url: str | None = None) -> FetchResult:
    """A result for a fetch that got no usable response."""
    return FetchResult(
        url=url,
        final_url=final_url or url,
        status=None,
        content=None,
        content_type=None,
        etag=None,
        last_modified=None,
        not_modified=False,
        error=error,
        retryable=retryable,
        attempts=0,
        elapsed=0.0,
    )


def _last_outcome(state: RetryCallState) -> _Outcome:
    """The final attempt's outcome, for when tenacity runs out of attempts."""
    assert state.outcome is not None  # tenacity only stops after an attempt
    outcome: _Outcome = state.outcome.result()
    return outcome


def _log_retry(state: RetryCallState) -> None:
    """Debug-log a coming retry; the URL and reason only, never request headers."""
    outcome = state.outcome.result() if state.outcome is not None else None
    if isinstance(outcome, _Outcome):
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        logger.debug(
            "retrying %s after attempt %d (%s) in %.2fs",
            outcome.result.url,
            state.attempt_number,
            outcome.result.error,
            wait,
        )


def _log_result(result: FetchResult) -> None:
    """Log a finished fetch: debug on success, info on failure."""
    if result.ok:
        logger.debug(
            "fetched %s: status %s, %d bytes, %d attempt(s), %.2fs",
            result.url,
            result.status,
            len(result.content or b""),
            result.attempts,
            result.elapsed,
        )
    else:
        logger.info(
            "fetch of %s failed: %s (retryable=%s, %d attempt(s), %.2fs)",
            result.url,
            result.error,
            result.retryable,
            result.attempts,
            result.elapsed,
        )


def _content_length(value: str | None) -> int | None:
    """The declared body length, or None when absent or unparsable."""
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def _timeout_kind(exc: httpx.TimeoutException) -> str:
    """Which phase timed out: connect, read, write or pool."""
    kinds: dict[type[httpx.TimeoutException], str] = {
        httpx.ConnectTimeout: "connect",
        httpx.ReadTimeout: "read",
        httpx.WriteTimeout: "write",
        httpx.PoolTimeout: "pool",
    }
    return kinds.get(type(exc), "unknown")


def _short(exc: object, limit: int = 200) -> str:
    """An exception's message cut to one short line."""
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
