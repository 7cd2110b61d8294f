"""When and how each source is polled: checked conditional GETs, the per-feed schedule
(adaptive interval, backoff, Retry-After), archives read as if polled, and what is new."""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import random
import re
import statistics
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from common.keys import stable_key, utcnow
from common.retry import OUTAGE_JITTER, backoff
from extractors.config import FetchSettings
from extractors.feeds import parse_feed
from extractors.fetch import Fetcher, FetchResult
from extractors.urls import url_key
from newswatch.settings import ArchiveSource, FeedSource, PollSettings, Source, WarcSource
from warehouse.records import ErrorRecord, SourcePoll, SourceState

log = logging.getLogger("newswatch.polling")

FEED_SUFFIXES = (".xml", ".rss", ".atom")


@dataclass(frozen=True)
class NewItem:
    """A feed entry that needs fetching."""

    url_key: str
    url: str
    source: str
    guid: str | None = None
    title: str | None = None
    published: datetime | None = None


@dataclass
class PollResult:
    """What polling one source gave."""

    poll: SourcePoll
    items: list[NewItem] = field(default_factory=list)
    error: ErrorRecord | None = None
    entries: int = 0
    # Entries whose link is never fetched (file:, ftp:, data:, none) and archive files that
    # could not be read: recorded, not dropped.
    rejected: list[ErrorRecord] = field(default_factory=list)
    # Keys of earlier error records this poll found mended (an archive file that now parses).
    resolved: list[str] = field(default_factory=list)


def _hash(data: bytes) -> str:
    """sha256 of bytes, hex."""
    return hashlib.sha256(data).hexdigest()


def _items_from_feed(
    content: bytes, url: str, source: str
) -> tuple[list[NewItem], str | None, list[ErrorRecord]]:
    """Parse feed bytes into items, or give the parse error; and the entries refused for
    their link, as error records of the source."""
    parsed = parse_feed(content, url)
    rejected = [
        ErrorRecord(
            url_key=stable_key(source, link or url, reason),
            stage="feed_entry",
            url=link or url,
            source=source,
            reason=reason,
            status_code=None,
            retryable=False,
        )
        for link, reason in parsed.rejected
    ]
    if parsed.error:
        return [], parsed.error, rejected
    items = [
        NewItem(url_key(e.link), e.link, source, e.guid, e.title, e.published)
        for e in parsed.entries
    ]
    return items, None, rejected


# A source due within this much counts as due: scheduled runs start a few seconds early or late.
DUE_SLACK = timedelta(seconds=60)
_TTL = re.compile(rb"<ttl>\s*(\d{1,7})\s*</ttl>", re.IGNORECASE)
_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d{1,10})", re.IGNORECASE)


def is_due(state: SourceState | None, now: datetime, force: bool = False) -> bool:
    """Whether a source should be polled at `now` (never polled, or its next poll time came)."""
    if force or state is None or state.next_poll_at is None:
        return True
    return state.next_poll_at <= now + DUE_SLACK


def skipped_poll(source: Source, now: datetime) -> PollResult:
    """The record of a source left alone because it is not due: no request is made."""
    if isinstance(source, ArchiveSource):
        base = SourcePoll(source.name, "archive", str(source.path), ok=True)
    elif isinstance(source, WarcSource):
        raise ValueError(f"{source.name}: WARC files are backfilled, never polled")
    else:
        base = SourcePoll(source.name, "feed", source.url, ok=True)
    return PollResult(replace(base, skipped=True, polled_at=now))


def backoff_minutes(cfg: PollSettings, failures: int, rng: random.Random | None = None) -> float:
    """Minutes to wait after the `failures`-th failure in a row: doubling, capped, jittered down."""
    return backoff(
        cfg.backoff_initial_minutes,
        cfg.backoff_max_minutes,
        failures,
        jitter=OUTAGE_JITTER,
        rng=rng,
    )


def adaptive_interval(arrivals: Iterable[datetime], now: datetime, cfg: PollSettings) -> float:
    """Minutes between polls from how often new items arrive: half the median gap between
    arrivals (the open gap since the last one included, so a feed that goes quiet is polled
    less), clamped to [min_interval_minutes, max_interval_minutes]."""
    lo, hi = cfg.min_interval_minutes, cfg.max_interval_minutes
    merged: list[datetime] = []
    for t in sorted(arrivals):
        # Arrivals closer than the shortest interval are one poll's items loaded in chunks.
        if merged and t - merged[-1] < timedelta(minutes=lo):
            continue
        merged.append(t)
    merged = merged[-cfg.adaptive_window :]
    if not merged:
        return lo
    gaps = [(b - a).total_seconds() / 60 for a, b in itertools.pairwise(merged)]
    gaps.append(max(0.0, (now - merged[-1]).total_seconds() / 60))
    return min(hi, max(lo, statistics.median(gaps) / 2))


def feed_ttl_minutes(content: bytes) -> float | None:
    """The RSS <ttl> (minutes the feed may be cached), if the feed declares one."""
    match = _TTL.search(content)
    return float(match.group(1)) if match and int(match.group(1)) > 0 else None


def _header(result: FetchResult | None, name: str) -> str | None:
    """A response header (lower-case name) of a fetch, if the fetcher kept headers."""
    return (result.headers or {}).get(name) if result is not None else None


def max_age_minutes(result: FetchResult | None) -> float | None:
    """Cache-Control max-age of a response, in minutes (None if absent, no-store or no-cache)."""
    value = _header(result, "cache-control")
    if not value or "no-store" in value.lower() or "no-cache" in value.lower():
        return None
    match = _MAX_AGE.search(value)
    return int(match.group(1)) / 60 if match and int(match.group(1)) > 0 else None


def retry_after_minutes(result: FetchResult | None, now: datetime) -> float | None:
    """A 429/503's Retry-After (delta-seconds or HTTP-date), in minutes."""
    seconds = result.retry_after(now) if result is not None else None
    return None if seconds is None else seconds / 60


def schedule_poll(
    poll: SourcePoll,
    state: SourceState | None,
    cfg: PollSettings,
    now: datetime,
    result: FetchResult | None = None,
) -> SourcePoll:
    """The poll with its feed-health fields set: failing streak, interval and next poll time.

    A success waits the adaptive interval, but at least the feed's RSS <ttl> and the response's
    Cache-Control max-age (each capped at max_interval_minutes). A failure waits the jittered
    exponential backoff, or the server's Retry-After when that is longer (capped at
    backoff_max_minutes): a failing feed is retried at the cap forever, never dropped.
    Archives are local: always due, no backoff.
    """
    failing_since = None
    if not poll.ok:
        streak = state is not None and state.consecutive_failures > 0
        failing_since = state.failing_since if streak and state else None
        failing_since = failing_since or now
    if poll.kind == "archive":
        return replace(poll, failing_since=failing_since, polled_at=now)
    if poll.ok:
        interval = adaptive_interval(state.arrivals if state else (), now, cfg)
        ttl = poll.ttl_minutes or (state.ttl_minutes if state else None)
        hints = [m for m in (ttl, max_age_minutes(result)) if m]
        if hints:
            interval = max(interval, min(max(hints), cfg.max_interval_minutes))
    else:
        failures = (state.consecutive_failures if state else 0) + 1
        interval = backoff_minutes(cfg, failures)
        wait = retry_after_minutes(result, now)
        if wait is not None:
            interval = max(interval, min(wait, cfg.backoff_max_minutes))
    interval = round(interval, 3)
    return replace(
        poll,
        polled_at=now,
        failing_since=failing_since,
        interval_minutes=interval,
        next_poll_at=now + timedelta(minutes=interval),
    )


def _same_validators(state: SourceState, result: FetchResult) -> bool:
    """Whether a response repeats the stored validators (ETag first, else Last-Modified)."""
    if state.etag or result.etag:
        return bool(state.etag and state.etag == result.etag)
    return bool(state.last_modified and state.last_modified == result.last_modified)


def _validators_lied(state: SourceState, result: FetchResult, fetcher: Fetcher, url: str) -> bool:
    """After an unconditional poll found a new body: did the server's validators hide it?

    Yes if it repeats the stored ETag/Last-Modified for the new body; or if a 304 came since
    the last change and the server still answers 304 to the old validators now (one probe
    request), which an honest server never does for a changed body.
    """
    if _same_validators(state, result):
        return True
    if state.validated_since_change and (state.etag or state.last_modified):
        probe = fetcher.fetch(url, etag=state.etag, last_modified=state.last_modified)
        return probe.not_modified
    return False


def poll_feed(
    source: FeedSource,
    state: SourceState | None,
    fetcher: Fetcher,
    cfg: PollSettings | None = None,
    now: datetime | None = None,
) -> PollResult:
    """Poll one web feed: a conditional GET, except every Nth poll (and always for a feed whose
    validators were caught lying), which is unconditional and compared by body hash."""
    cfg = cfg or PollSettings()
    now = now or utcnow()
    lying = bool(state and state.lying_validators)
    number = (state.polls if state else 0) + 1
    conditional = (
        state is not None
        and bool(state.etag or state.last_modified)
        and not lying
        and number % cfg.unconditional_every != 0
    )
    result = fetcher.fetch(
        source.url,
        etag=state.etag if state and conditional else None,
        last_modified=state.last_modified if state and conditional else None,
    )
    base = SourcePoll(
        source.name,
        "feed",
        source.url,
        ok=True,
        status_code=result.status,
        unconditional=not conditional,
        validated_since_change=bool(state and state.validated_since_change),
        lying_validators=lying,
    )

    def done(res: PollResult) -> PollResult:
        res.poll = schedule_poll(res.poll, state, cfg, now, result)
        return res

    if result.not_modified:
        return done(PollResult(replace(base, not_modified=True, validated_since_change=True)))
    if not result.ok or result.content is None:
        return done(_poll_failure(base, source.url, result.error or "no body", result))
    content_hash = _hash(result.content)
    base = replace(
        base,
        etag=result.etag,
        last_modified=result.last_modified,
        ttl_minutes=feed_ttl_minutes(result.content),
    )
    if state and state.content_hash == content_hash:
        # Some servers ignore conditional GET; an identical body has nothing new.
        return done(PollResult(base))
    if (
        state is not None
        and state.content_hash
        and not conditional
        and not lying
        and _validators_lied(state, result, fetcher, source.url)
    ):
        log.warning(
            "feed %s changed behind unchanged validators or a 304: polling it unconditionally "
            "from now on",
            source.name,
        )
        base = replace(base, lying_validators=True, lying_detected_at=now)
    items, error, rejected = _items_from_feed(result.content, result.final_url, source.name)
    if error:
        failed = _poll_failure(base, source.url, error, result)
        failed.rejected = rejected
        return done(failed)
    poll = replace(
        base, new_items=len(items), content_hash=content_hash, validated_since_change=False
    )
    return done(PollResult(poll, items, entries=len(items), rejected=rejected))


def _poll_failure(
    base: SourcePoll, url: str, reason: str, result: FetchResult | None = None
) -> PollResult:
    """A failed poll and its error record."""
    error = ErrorRecord(
        url_key=stable_key(url),
        stage="feed",
        url=url,
        source=base.name,
        reason=reason,
        status_code=result.status if result else None,
        retryable=result.retryable if result else False,
    )
    return PollResult(replace(base, ok=False, error=reason), error=error)


def archive_feeds(folder: Path) -> list[Path]:
    """Feed files of an archive: in its `feeds/` folder, else at its top."""
    feeds_dir = folder / "feeds" if (folder / "feeds").is_dir() else folder
    return sorted(p for p in feeds_dir.iterdir() if p.suffix.lower() in FEED_SUFFIXES)


def outside_archive(path: Path, root: Path) -> str | None:
    """Why an archive file may not be read: it resolves outside the archive (a symlink out),
    cannot be resolved (a link loop) or is no regular file (a FIFO would block the run)."""
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "a broken or looping link"
    if not resolved.is_relative_to(root):
        return "it links outside the archive"
    if not resolved.is_file():
        return "not a regular file"
    return None


class UnreadableFile(ValueError):
    """An archive file that cannot be read: too large, or the system refused it."""


def read_bounded(path: Path, max_bytes: int) -> bytes:
    """A file's bytes; UnreadableFile, with the reason, when it cannot be read or is larger
    than `max_bytes`, which is found before reading: a 200 MB page is never read whole."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            # Read one byte past the limit: a file still growing is caught too.
            data = handle.read(max_bytes + 1) if size <= max_bytes else b""
    except OSError as exc:
        raise UnreadableFile(f"unreadable: {exc.strerror}") from exc
    if size > max_bytes or len(data) > max_bytes:
        raise UnreadableFile(f"file too large: {max(size, len(data))} bytes (limit {max_bytes})")
    return data


def poll_archive(
    source: ArchiveSource,
    state: SourceState | None,
    now: datetime | None = None,
    max_bytes: int | None = None,
) -> PollResult:
    """Read an archive's feed files as if they were polled (always due; a missing folder is a
    failure like any other, with its failing streak recorded); files over `max_bytes` (by
    default fetch.max_bytes's default) are refused."""
    now = now or utcnow()
    limit = max_bytes if max_bytes is not None else FetchSettings().max_bytes
    result = _read_archive(source, state, limit)
    result.poll = schedule_poll(result.poll, state, PollSettings(), now)
    return result


def _read_archive(source: ArchiveSource, state: SourceState | None, max_bytes: int) -> PollResult:
    """The archive's entries, unless its feed files are unchanged. A feed file that cannot be
    read or parsed is an error record of the source (and its last error), the others are read."""
    base = SourcePoll(source.name, "archive", str(source.path), ok=True)
    if not source.path.is_dir():
        return _poll_failure(base, str(source.path), f"archive folder not found: {source.path}")
    items: list[NewItem] = []
    refused_links: list[ErrorRecord] = []
    unreadable: list[ErrorRecord] = []
    digest = hashlib.sha256()
    errors: list[str] = []
    parsed: list[str] = []
    root = source.path.resolve()
    for path in archive_feeds(source.path):
        error = outside_archive(path, root)
        error = f"refused: {error}" if error else None
        if error is None:
            try:
                content = read_bounded(path, max_bytes)
            except UnreadableFile as exc:
                error = str(exc)
            else:
                digest.update(content)
                found, error, refused = _items_from_feed(content, path.as_uri(), source.name)
                items.extend(found)
                refused_links.extend(refused)
        if error:
            errors.append(f"{path.name}: {error}")
            unreadable.append(_file_error(source.name, path, error))
        else:
            parsed.append(stable_key(path.as_uri()))
    summary = "; ".join(errors) or None
    if summary and not items:
        failed = _poll_failure(base, str(source.path), summary)
        failed.rejected = unreadable
        return failed
    content_hash = digest.hexdigest()
    if state and state.content_hash == content_hash:
        # Unchanged: no items, but the files that still fail are recorded again.
        return PollResult(replace(base, error=summary), rejected=unreadable)
    poll = replace(base, new_items=len(items), content_hash=content_hash, error=summary)
    rejected = refused_links + unreadable
    return PollResult(poll, items, entries=len(items), rejected=rejected, resolved=parsed)


def _file_error(source: str, path: Path, reason: str) -> ErrorRecord:
    """The error record of an archive file that could not be read."""
    return ErrorRecord(
        url_key=stable_key(path.as_uri()),
        stage="feed",
        url=path.as_uri(),
        source=source,
        reason=reason,
        status_code=None,
        retryable=False,
    )


def poll_source(
    source: Source,
    state: SourceState | None,
    fetcher: Fetcher,
    cfg: PollSettings | None = None,
    now: datetime | None = None,
) -> PollResult:
    """Poll any kind of source."""
    if isinstance(source, ArchiveSource):
        return poll_archive(source, state, now, max_bytes=fetcher.settings.max_bytes)
    if isinstance(source, WarcSource):
        raise ValueError(f"{source.name}: WARC files are backfilled, never polled")
    return poll_feed(source, state, fetcher, cfg, now)


def poll_sources(
    sources: Sequence[Source],
    state_of: Callable[[str], SourceState | None],
    fetcher: Fetcher,
    workers: int,
    cfg: PollSettings | None = None,
    *,
    now: datetime | None = None,
    force: bool = False,
) -> list[PollResult]:
    """Poll the sources that are due (all with `force`) in parallel, since feeds wait on the
    network; the others come back as skipped polls. Results are in source order."""
    now = now or utcnow()
    states = [state_of(s.name) for s in sources]  # read first: the warehouse is single-threaded
    results: list[PollResult | None] = [
        None if is_due(state, now, force) else skipped_poll(source, now)
        for source, state in zip(sources, states, strict=True)
    ]
    todo = [i for i, r in enumerate(results) if r is None]
    if todo:
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(todo)))) as pool:
            polled = pool.map(lambda i: poll_source(sources[i], states[i], fetcher, cfg, now), todo)
            for i, result in zip(todo, polled, strict=True):
                results[i] = result
    return [r for r in results if r is not None]


def select_new(
    polls: Iterable[PollResult], settled: Callable[[list[str]], set[str]]
) -> list[NewItem]:
    """Entries not seen before (or failed and due a retry), each URL once."""
    unique: dict[str, NewItem] = {}
    for poll in polls:
        for item in poll.items:
            unique.setdefault(item.url_key, item)
    done = settled(list(unique))
    return [item for key, item in unique.items() if key not in done]
