"""robots.txt rules per origin, fetched once and cached with a TTL (RFC 9309 failure policy).

- 2xx: the file is parsed with protego; its `Crawl-delay` becomes a minimum per-host delay.
- 4xx (404, 403, 401 ...): no usable rules, so everything is allowed.
- 5xx and 429: the site is in trouble; RFC 9309 says assume complete disallow. Pages of that
  origin fail with a *retryable* error for this run; the verdict is cached for a short time only.
- No response at all (connection refused, timeout, DNS): allowed, cached briefly. The page
  request that follows would hit the same wall and report the real, retryable transport error.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from cachetools import TLRUCache
from protego import Protego

DISALLOWED = "disallowed by robots.txt"
# Retry a failing robots.txt within a run no sooner than this.
FAILURE_TTL = 300.0
_LOCK_STRIPES = 64


@dataclass(frozen=True)
class RobotsResponse:
    """What fetching a robots.txt produced: a status and body, or a transport error."""

    status: int | None
    body: bytes | None = None
    error: str | None = None


@dataclass(frozen=True)
class Verdict:
    """May a URL be fetched, and how politely."""

    allowed: bool
    reason: str | None = None
    retryable: bool = False
    crawl_delay: float | None = None


@dataclass(frozen=True)
class _Rules:
    parser: Protego | None  # None: allow everything
    unavailable: str | None  # set: disallow everything, retryable
    expires: float


def _expiry(_where: str, rules: _Rules, _now: float) -> float:
    """When a cached entry goes stale: the time its rules carry."""
    return rules.expires


def robots_url(url: str) -> str | None:
    """The robots.txt URL for the origin of `url`, or None when it has no web origin."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    netloc = parts.netloc.rsplit("@", 1)[-1].lower()  # never send userinfo to robots.txt
    return urlunsplit((parts.scheme.lower(), netloc, "/robots.txt", "", ""))


class RobotsCache:
    """Answers `check(url)` from robots.txt files fetched with `fetch`; thread-safe.

    Each origin's file is fetched once even when many threads ask at the same moment.
    """

    def __init__(
        self,
        fetch: Callable[[str], RobotsResponse],
        user_agent: str,
        *,
        ttl: float = 3600.0,
        max_origins: int = 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._user_agent = user_agent
        self._ttl = ttl
        self._clock = clock
        # Each entry carries its own expiry: failures are retried sooner than good files.
        self._rules: TLRUCache[str, _Rules] = TLRUCache(
            maxsize=max_origins, ttu=_expiry, timer=clock
        )
        self._lock = threading.Lock()
        # Striped locks give one fetch per origin without a lock per origin ever seen.
        self._origin_locks = [threading.Lock() for _ in range(_LOCK_STRIPES)]

    def check(self, url: str) -> Verdict:
        """Whether `url` may be fetched under its origin's robots.txt."""
        where = robots_url(url)
        if where is None:
            return Verdict(True)
        rules = self._rules_for(where)
        if rules.unavailable is not None:
            return Verdict(False, f"{DISALLOWED} ({rules.unavailable})", retryable=True)
        if rules.parser is None:
            return Verdict(True)
        delay = rules.parser.crawl_delay(self._user_agent)
        crawl_delay = float(delay) if delay is not None else None
        if not rules.parser.can_fetch(url, self._user_agent):
            return Verdict(False, DISALLOWED, crawl_delay=crawl_delay)
        return Verdict(True, crawl_delay=crawl_delay)

    def _rules_for(self, where: str) -> _Rules:
        with self._lock:
            cached = self._rules.get(where)
        if cached is not None:
            return cached
        # Single flight: one fetch per origin, the others wait for it and read the cache.
        with self._origin_locks[zlib.crc32(where.encode()) % _LOCK_STRIPES]:
            with self._lock:
                cached = self._rules.get(where)
            if cached is not None:
                return cached
            rules = self._load(where)
            with self._lock:
                self._rules[where] = rules
            return rules

    def _load(self, where: str) -> _Rules:
        response = self._fetch(where)
        now = self._clock()
        status = response.status
        if status is None:
            return _Rules(None, None, now + min(self._ttl, FAILURE_TTL))
        if status == 429 or status >= 500:
            return _Rules(None, f"robots.txt HTTP {status}", now + min(self._ttl, FAILURE_TTL))
        if status >= 400 or response.body is None or status >= 300:
            return _Rules(None, None, now + self._ttl)
        text = response.body.decode("utf-8", errors="replace")
        try:
            parser = Protego.parse(text)
        except Exception:  # a file protego can't parse gives no rules: allow
            return _Rules(None, None, now + self._ttl)
        return _Rules(parser, None, now + self._ttl)
