"""HTTP fetching for a run: one pooled httpx client, bounded bodies, polite retries."""

from __future__ import annotations

import logging
import math
import random
import socket
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

import httpx
from tenacity import RetryCallState, Retrying, retry_if_result, stop_after_attempt

from newswatch.settings import FetchSettings

logger = logging.getLogger("newswatch.fetch")

# Feeds first, then pages; anything else is still accepted so odd servers don't answer 406.
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, application/xhtml+xml;q=0.8, "
    "*/*;q=0.5"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_WEB_SCHEMES = frozenset({"http", "https"})


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

    @property
    def ok(self) -> bool:
        """True for a body or a 304."""
        return self.error is None


@dataclass(frozen=True)
class _Outcome:
    """One attempt's result plus whether and when to try again within this run."""

    result: FetchResult
    retry_now: bool = False
    retry_after: float | None = None


class Fetcher:
    """Fetches URLs over one shared httpx client; safe to use from several threads."""

    def __init__(self, settings: FetchSettings) -> None:
        self.settings = settings
        self._client = httpx.Client(
            timeout=httpx.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                pool=settings.connect_timeout,
            ),
            follow_redirects=True,
            max_redirects=settings.max_redirects,
            headers={"User-Agent": settings.user_agent, "Accept": ACCEPT},
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

    def fetch_many(self, urls: Sequence[str]) -> list[FetchResult]:
        """Fetch `urls` concurrently; results are in input order."""
        if not urls:
            return []
        workers = min(self.settings.concurrency, len(urls))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="newswatch-fetch") as pool:
            return list(pool.map(self.fetch, urls))

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
        try:
            parts = urlsplit(url)
        except ValueError as exc:
            return _failure(url, f"invalid URL: {_short(exc)}", False)
        if parts.scheme.lower() not in _WEB_SCHEMES:
            return _failure(url, "unsupported scheme", False)
        if not parts.hostname:
            return _failure(url, "invalid URL: no host", False)

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
        return _backoff(self.settings, state.attempt_number)

    def _attempt(
        self, url: str, headers: dict[str, str], etag: str | None, last_modified: str | None
    ) -> _Outcome:
        """One GET, turned into an outcome; transport exceptions become outcomes too."""
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                return self._read(url, response, etag, last_modified)
        except httpx.TooManyRedirects:
            return _Outcome(_failure(url, "too many redirects", False))
        except httpx.UnsupportedProtocol:
            # Usually a redirect to ftp: or similar; the start URL was checked already.
            return _Outcome(_failure(url, "unsupported scheme", False))
        except httpx.TimeoutException as exc:
            return _Outcome(_failure(url, f"timeout: {_timeout_kind(exc)}", True), retry_now=True)
        except httpx.RemoteProtocolError as exc:
            if "disconnect" in str(exc).lower() or "closed" in str(exc).lower():
                return _Outcome(_failure(url, "connection closed by server", True), retry_now=True)
            return _Outcome(_failure(url, f"protocol error: {_short(exc)}", True))
        except (httpx.ConnectError, httpx.ReadError, httpx.WriteError) as exc:
            reason = f"connection error: {_short(exc) or type(exc).__name__}"
            # A name that does not resolve will not resolve a second later: try next run.
            return _Outcome(_failure(url, reason, True), retry_now=not _dns_failure(exc))
        except httpx.DecodingError as exc:
            return _Outcome(_failure(url, f"undecodable body: {_short(exc)}", False))
        except (httpx.InvalidURL, httpx.LocalProtocolError) as exc:
            return _Outcome(_failure(url, f"invalid request: {_short(exc)}", False))
        except httpx.TransportError as exc:
            return _Outcome(_failure(url, f"transport error: {_short(exc)}", True))

    def _read(
        self, url: str, response: httpx.Response, etag: str | None, last_modified: str | None
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
        return _Outcome(self._read_body(base, response))

    def _http_error(self, base: FetchResult, response: httpx.Response) -> _Outcome:
        """An outcome for a 3xx left unfollowed, a 4xx or a 5xx."""
        status = response.status_code
        # 408 and 5xx are the server's momentary trouble; other 4xx won't fix themselves.
        retryable = status in RETRY_STATUSES or status == 408 or status >= 500
        result = replace(base, error=f"HTTP {status}", retryable=retryable)
        if status not in RETRY_STATUSES:
            return _Outcome(result)
        delay = _retry_after(response.headers.get("retry-after"))
        if delay is not None and delay > self.settings.retry_after_max:
            # Waiting that long would stall the run; the URL is retried next run instead.
            reason = f"HTTP {status}: retry-after {math.ceil(delay)}s exceeds limit"
            return _Outcome(replace(result, error=reason))
        return _Outcome(result, retry_now=True, retry_after=delay)

    def _read_body(self, base: FetchResult, response: httpx.Response) -> FetchResult:
        """Stream the body within the size limit and the wall-clock deadline."""
        limit = self.settings.max_bytes
        too_big = replace(base, error=f"body larger than {limit} bytes")
        declared = _content_length(response.headers.get("content-length"))
        if declared is not None and declared > limit:
            return too_big
        # A slow drip of bytes resets the read timeout on every chunk; the deadline doesn't.
        deadline = time.monotonic() + self.settings.total_timeout
        body = bytearray()
        for chunk in response.iter_bytes():
            body.extend(chunk)
            if len(body) > limit:
                return too_big
            if time.monotonic() > deadline:
                return replace(base, error="timeout: total", retryable=True)
        return replace(base, content=bytes(body))


def _dns_failure(exc: BaseException) -> bool:
    """Whether a connect error comes from name resolution."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, socket.gaierror):
            return True
        seen = seen.__cause__ or seen.__context__
    text = str(exc).lower()
    return "name or service not known" in text or "nodename nor servname" in text


def _failure(url: str, error: str, retryable: bool) -> FetchResult:
    """A result for a fetch that got no usable response."""
    return FetchResult(
        url=url,
        final_url=url,
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


def _backoff(settings: FetchSettings, attempt: int) -> float:
    """Exponential backoff after `attempt` failures, capped, with jitter."""
    base = settings.backoff_initial * 2.0 ** min(attempt - 1, 30)
    # Jitter spreads out retries of many URLs that failed together; scaled so tiny stays tiny.
    jitter = random.uniform(0, settings.backoff_initial)  # noqa: S311 - not security-related
    return min(base + jitter, settings.backoff_max)


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    if math.isnan(seconds):
        return None
    # Clamped so "1e400" or a far-future date stays a finite, printable number.
    return min(max(0.0, seconds), 1e9)


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
