"""Watching feeds for new entries, for event-driven ingestion (plain Python, no Airflow).

`FeedWatcher` polls each configured feed at its own interval with conditional GETs, backs off
from failing feeds (honouring Retry-After), and reports which feeds list entries it has not
seen before. The Airflow trigger in `newswatch.triggers` runs it in the triggerer; tests run it
directly against a local server. Fetching goes through `extractors.fetch.Fetcher` (in worker
threads), so the SSRF guard, size limits, robots.txt and retries apply as in a pipeline run.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from common.retry import OUTAGE_JITTER, backoff
from extractors.feeds import parse_feed
from extractors.fetch import Fetcher, FetchResult
from newswatch.settings import FeedSource, Settings, StreamSettings

log = logging.getLogger("newswatch.watch")

# Entry keys remembered per feed: far more than a feed lists, so old entries never come back.
SEEN_LIMIT = 5000


@dataclass(frozen=True)
class FeedChange:
    """A feed that lists entries the watcher had not seen."""

    name: str
    new_entries: int
    first_poll: bool


@dataclass
class FeedState:
    """What the watcher remembers about one feed."""

    source: FeedSource
    interval: float
    next_due: float = 0.0
    etag: str | None = None
    last_modified: str | None = None
    seen: dict[str, None] = field(default_factory=dict)  # ordered set, oldest first
    polled: bool = False
    failures: int = 0
    last_error: str | None = None


def backoff_seconds(cfg: StreamSettings, failures: int, rng: random.Random | None = None) -> float:
    """Seconds to wait after the `failures`-th failure in a row: doubling, capped, jittered."""
    return backoff(
        cfg.backoff_initial_seconds,
        cfg.backoff_max_seconds,
        failures,
        jitter=OUTAGE_JITTER,
        rng=rng,
    )


class FeedWatcher:
    """Polls feeds and says which have unseen entries; one instance per watching process."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], float] = time.monotonic,
        fetcher: Fetcher | None = None,
    ) -> None:
        self.cfg = settings.stream
        self.clock = clock
        self.fetcher = fetcher or Fetcher(settings.fetch)
        self.feeds = {
            s.name: FeedState(s, s.poll_seconds or self.cfg.poll_seconds)
            for s in settings.sources
            if isinstance(s, FeedSource) and s.enabled
        }
        self._slots = asyncio.Semaphore(self.cfg.concurrency)

    def close(self) -> None:
        """Release the HTTP client."""
        self.fetcher.close()

    def seconds_to_next(self) -> float:
        """How long until the next feed is due (0 if one is due now)."""
        if not self.feeds:
            return self.cfg.poll_seconds
        return max(0.0, min(f.next_due for f in self.feeds.values()) - self.clock())

    async def poll_due(self) -> list[FeedChange]:
        """Poll every feed that is due, concurrently; return those with unseen entries."""
        now = self.clock()
        due = [f for f in self.feeds.values() if f.next_due <= now]
        found = await asyncio.gather(*(self._poll(f) for f in due))
        return [c for c in found if c is not None]

    async def _poll(self, feed: FeedState) -> FeedChange | None:
        """Poll one feed (in a worker thread) and update its state."""
        async with self._slots:
            result = await asyncio.to_thread(
                self.fetcher.fetch,
                feed.source.url,
                etag=feed.etag,
                last_modified=feed.last_modified,
            )
        return self.record(feed, result)

    def record(self, feed: FeedState, result: FetchResult) -> FeedChange | None:
        """Take in one poll's result: schedule the next poll, return the change if any."""
        now = self.clock()
        if result.not_modified:
            return self._success(feed, now, [])
        if not result.ok or result.content is None:
            return self._failure(feed, now, result, result.error or "no body")
        parsed = parse_feed(result.content, result.final_url)
        if parsed.error:
            return self._failure(feed, now, result, parsed.error)
        feed.etag, feed.last_modified = result.etag, result.last_modified
        return self._success(feed, now, [e.link for e in parsed.entries])

    def _success(self, feed: FeedState, now: float, links: Iterable[str]) -> FeedChange | None:
        """A good poll: next one after the feed's interval; report unseen entries."""
        from extractors.urls import url_key

        if feed.failures:
            log.info("feed %s answers again after %d failures", feed.source.name, feed.failures)
        feed.failures, feed.last_error = 0, None
        feed.next_due = now + feed.interval
        first = not feed.polled
        feed.polled = True
        fresh = [k for k in dict.fromkeys(url_key(link) for link in links) if k not in feed.seen]
        for key in fresh:
            feed.seen[key] = None
        while len(feed.seen) > SEEN_LIMIT:
            feed.seen.pop(next(iter(feed.seen)))
        if not fresh:
            return None
        return FeedChange(feed.source.name, len(fresh), first)

    def _failure(
        self, feed: FeedState, now: float, result: FetchResult, reason: str
    ) -> FeedChange | None:
        """A failed poll: back off (longer if the server asks), remember why."""
        feed.failures += 1
        wait = backoff_seconds(self.cfg, feed.failures)
        asked = result.retry_after()
        if asked is not None:
            wait = max(wait, min(asked, self.cfg.backoff_max_seconds))
        feed.next_due = now + wait
        feed.last_error = reason
        log.warning(
            "feed %s: %s (failure %d, next poll in %.0f s)",
            feed.source.name,
            reason,
            feed.failures,
            wait,
        )
        return None
