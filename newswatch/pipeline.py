"""The newswatch pipeline as small stages (poll, select, fetch, clean, match, extract, load).

Each stage is a plain function so that `run_once` and the Airflow DAGs can wire the same code.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import random
import re
import statistics
import time
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from trafilatura.utils import decode_file

from common.keys import stable_key, to_utc_naive, utcnow
from extractors.boilerplate import drop_lines, repeated_lines, short_lines
from extractors.clean import BLOCKED_PREFIX, CleanArticle, extract_article, with_text
from extractors.entities import EntityExtractor, Mention
from extractors.feeds import parse_feed
from extractors.fetch import Fetcher, FetchResult, decode_body
from extractors.stories import StoryDecision, StoryInput
from extractors.urls import ArticleUrl, article_url, url_key
from newswatch import stories
from newswatch.settings import ArchiveSource, FeedSource, PollSettings, Settings, Source
from warehouse.snapshot import publish_if_due
from warehouse.store import (
    ArticleRecord,
    ErrorRecord,
    ItemOutcome,
    LoadBatch,
    LoadStats,
    SourcePoll,
    SourceState,
    Warehouse,
)

log = logging.getLogger("newswatch.pipeline")

FEED_SUFFIXES = (".xml", ".rss", ".atom")
# Items per fetch-clean-NER-load round: bounds memory and what a crash can cost.
CHUNK_SIZE = 200

Progress = Callable[[str, int, int], None]


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


@dataclass(frozen=True)
class Page:
    """A fetched page body, or why there is none."""

    item: NewItem
    html: str | None
    final_url: str
    fetched_at: datetime
    error: str | None = None
    status_code: int | None = None
    retryable: bool = False


@dataclass(frozen=True)
class Cleaned:
    """A page's clean article."""

    item: NewItem
    article: CleanArticle
    final_url: str
    fetched_at: datetime
    raw_lines: dict[str, str]


@dataclass(frozen=True)
class Matched:
    """An on-topic article with the topics and terms it matched."""

    cleaned: Cleaned
    topics: dict[str, tuple[str, ...]]


@dataclass
class StageResult:
    """Items that went on, plus the outcomes and errors of those that did not."""

    outcomes: list[ItemOutcome] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)
    # Pages that came with a body (clean_pages counts them as they stream in).
    fetched: int = 0


def _hash(data: bytes) -> str:
    """sha256 of bytes, hex."""
    return hashlib.sha256(data).hexdigest()


def _items_from_feed(content: bytes, url: str, source: str) -> tuple[list[NewItem], str | None]:
    """Parse feed bytes into items, or give the parse error."""
    parsed = parse_feed(content, url)
    if parsed.error:
        return [], parsed.error
    items = [
        NewItem(url_key(e.link), e.link, source, e.guid, e.title, e.published)
        for e in parsed.entries
    ]
    return items, None


# --- Polling: checked conditional GET, per-feed schedule (adaptive interval, backoff). ---

# A source due within this much counts as due: scheduled runs start a few seconds early or late.
DUE_SLACK = timedelta(seconds=60)
# Backoff delays are shortened by up to this fraction at random, so feeds that failed together
# (one outage) do not all come back at the same minute.
BACKOFF_JITTER = 0.2
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
    else:
        base = SourcePoll(source.name, "feed", source.url, ok=True)
    return PollResult(replace(base, skipped=True, polled_at=now))


def backoff_minutes(cfg: PollSettings, failures: int, rng: random.Random | None = None) -> float:
    """Minutes to wait after the `failures`-th failure in a row: doubling, capped, jittered down."""
    exponent = min(max(failures - 1, 0), 30)
    base = min(cfg.backoff_max_minutes, cfg.backoff_initial_minutes * 2.0**exponent)
    draw = (rng or random).random()  # jitter spreads load; not security
    return base * (1.0 - BACKOFF_JITTER * draw)


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
    if result is None or result.status not in (429, 503):
        return None
    value = (_header(result, "retry-after") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return int(value) / 60
    try:
        when = to_utc_naive(parsedate_to_datetime(value))
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, (when - now).total_seconds() / 60) if when else None


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
    items, error = _items_from_feed(result.content, result.final_url, source.name)
    if error:
        return done(_poll_failure(base, source.url, error, result))
    poll = replace(
        base, new_items=len(items), content_hash=content_hash, validated_since_change=False
    )
    return done(PollResult(poll, items, entries=len(items)))


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


def poll_archive(
    source: ArchiveSource, state: SourceState | None, now: datetime | None = None
) -> PollResult:
    """Read an archive's feed files as if they were polled (always due; a missing folder is a
    failure like any other, with its failing streak recorded)."""
    now = now or utcnow()
    result = _read_archive(source, state)
    result.poll = schedule_poll(result.poll, state, PollSettings(), now)
    return result


def _read_archive(source: ArchiveSource, state: SourceState | None) -> PollResult:
    """The archive's entries, unless its feed files are unchanged."""
    base = SourcePoll(source.name, "archive", str(source.path), ok=True)
    if not source.path.is_dir():
        return _poll_failure(base, str(source.path), f"archive folder not found: {source.path}")
    items: list[NewItem] = []
    digest = hashlib.sha256()
    errors = []
    for path in archive_feeds(source.path):
        content = path.read_bytes()
        digest.update(content)
        found, error = _items_from_feed(content, path.as_uri(), source.name)
        if error:
            errors.append(f"{path.name}: {error}")
        items.extend(found)
    if errors and not items:
        return _poll_failure(base, str(source.path), "; ".join(errors))
    content_hash = digest.hexdigest()
    if state and state.content_hash == content_hash:
        return PollResult(base)
    poll = replace(
        base,
        new_items=len(items),
        content_hash=content_hash,
        error="; ".join(errors) or None,
    )
    return PollResult(poll, items, entries=len(items))


def poll_source(
    source: Source,
    state: SourceState | None,
    fetcher: Fetcher,
    cfg: PollSettings | None = None,
    now: datetime | None = None,
) -> PollResult:
    """Poll any kind of source."""
    if isinstance(source, ArchiveSource):
        return poll_archive(source, state, now)
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


def archive_page(source: ArchiveSource, url: str) -> Path | None:
    """The file that mirrors `url` in an archive (pages/<host>/<path>), if it is inside it."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        candidate = Path(unquote(parts.path))
    else:
        rel = unquote(parts.path).lstrip("/") or "index.html"
        candidate = source.path / "pages" / (parts.hostname or "") / rel
    root = source.path.resolve()
    resolved = candidate.resolve()
    # A feed may not point outside its own archive (../../etc/passwd and the like).
    if not resolved.is_relative_to(root) or not resolved.is_file():
        return None
    return resolved


def iter_pages(
    items: Sequence[NewItem], sources: dict[str, Source], fetcher: Fetcher
) -> Iterator[Page]:
    """Each item's page in item order, yielded as soon as it is there: web pages download
    concurrently while the caller cleans the ones already in (failures are Pages too)."""
    web = [item.url for item in items if not isinstance(sources.get(item.source), ArchiveSource)]
    results = fetcher.iter_fetch(web)
    for item in items:
        source = sources.get(item.source)
        if isinstance(source, ArchiveSource):
            path = archive_page(source, item.url)
            if path is None:
                yield Page(item, None, item.url, utcnow(), "not in archive")
            else:
                yield Page(item, decode_file(path.read_bytes()), item.url, utcnow())
            continue
        res = next(results)
        if res.ok and res.content is not None:
            yield Page(
                item,
                decode_body(res.content, res.content_type),
                res.final_url,
                utcnow(),
                status_code=res.status,
            )
        else:
            yield Page(
                item,
                None,
                res.final_url,
                utcnow(),
                res.error or "no body",
                res.status,
                res.retryable,
            )


def _outcome(
    item: NewItem, status: str, reason: str | None = None, article_key: str | None = None
) -> ItemOutcome:
    """The warehouse outcome of an item."""
    return ItemOutcome(
        item.url_key, item.url, item.source, item.guid, item.title, status, reason, article_key
    )


def _error(
    item: NewItem, stage: str, reason: str, status: int | None = None, retryable: bool = False
) -> ErrorRecord:
    """The warehouse error record of an item."""
    return ErrorRecord(item.url_key, stage, item.url, item.source, reason, status, retryable)


def clean_pages(
    pages: Iterable[Page],
    settings: Settings,
    stored_line_counts: Callable[[str, list[str]], dict[str, int]],
) -> tuple[list[Cleaned], StageResult]:
    """Extract clean articles, then drop lines each site repeats across its articles."""
    result = StageResult()
    firsts: list[Cleaned] = []
    for page in pages:
        result.fetched += page.html is not None
        if page.html is None:
            result.outcomes.append(_outcome(page.item, "failed", page.error))
            result.errors.append(
                _error(
                    page.item, "fetch", page.error or "no body", page.status_code, page.retryable
                )
            )
            continue
        outcome = extract_article(page.html, page.final_url, settings.clean)
        if outcome.article is None:
            reason = outcome.reason or "no article"
            status = "blocked" if reason.startswith(BLOCKED_PREFIX) else "rejected"
            result.outcomes.append(_outcome(page.item, status, reason))
            result.errors.append(_error(page.item, "clean", reason, retryable=status == "blocked"))
            continue
        lines = short_lines(outcome.article.text, settings.clean.repeated_line_max_chars)
        firsts.append(Cleaned(page.item, outcome.article, page.final_url, page.fetched_at, lines))

    cfg = settings.clean
    sites = {c.article.site for c in firsts if c.article.site}
    stored = {
        site: stored_line_counts(
            site, sorted({h for c in firsts if c.article.site == site for h in c.raw_lines})
        )
        for site in sites
    }
    repeated = repeated_lines(
        ((c.article.site, c.article.text) for c in firsts),
        stored,
        cfg.repeated_line_min_articles,
        cfg.repeated_line_max_chars,
    )
    kept: list[Cleaned] = []
    for c in firsts:
        text = drop_lines(c.article.text, repeated.get(c.article.site or "", set()))
        if len(text) < cfg.min_chars:
            reason = f"too short: {len(text)} characters after dropping site template lines"
            result.outcomes.append(_outcome(c.item, "rejected", reason))
            result.errors.append(_error(c.item, "clean", reason))
            continue
        kept.append(
            Cleaned(c.item, with_text(c.article, text), c.final_url, c.fetched_at, c.raw_lines)
        )
    return kept, result


def match_topics(
    cleaned: Sequence[Cleaned], settings: Settings
) -> tuple[list[Matched], StageResult]:
    """Keep articles that match at least one topic; count the rest as off-topic."""
    queries = {t.name: t.compiled_query() for t in settings.topics}
    result = StageResult()
    matched: list[Matched] = []
    for c in cleaned:
        text = f"{c.article.title or ''}\n{c.article.text}"
        hits = {}
        for name, query in queries.items():
            m = query.match(text)
            if m.matched:
                hits[name] = m.terms
        if hits:
            matched.append(Matched(c, hits))
        else:
            result.outcomes.append(_outcome(c.item, "offtopic"))
    return matched, result


def location(c: Cleaned) -> ArticleUrl:
    """Where a cleaned article lives: its canonical URL (rel=canonical when on its own site)."""
    return article_url(c.final_url, c.article.declared_url)


def story_inputs(matched: Sequence[Matched]) -> list[StoryInput]:
    """What story detection needs of each on-topic article."""
    out = []
    for m in matched:
        where = location(m.cleaned)
        declared = stable_key(where.declared_elsewhere) if where.declared_elsewhere else None
        out.append(
            StoryInput(
                stable_key(where.canonical),
                m.cleaned.article.title or m.cleaned.item.title,
                m.cleaned.article.text,
                declared,
            )
        )
    return out


def extract_mentions(
    matched: Sequence[Matched],
    extractor: EntityExtractor,
    decisions: Sequence[StoryDecision] | None = None,
) -> list[list[Mention]]:
    """Entities of each on-topic article (title and text), in batches. Exact copies, and
    articles stored before, get none: they take their original's at load time."""
    skip = {i for i, d in enumerate(decisions or ()) if d.reuses_entities or d.stored}
    todo = [i for i in range(len(matched)) if i not in skip]
    texts = [
        f"{matched[i].cleaned.article.title or ''}\n\n{matched[i].cleaned.article.text}"
        for i in todo
    ]
    found = extractor.extract(texts) if texts else []
    out: list[list[Mention]] = [[] for _ in matched]
    for i, mentions in zip(todo, found, strict=True):
        out[i] = mentions
    return out


def to_records(
    matched: Sequence[Matched],
    mentions: Sequence[Sequence[Mention]],
    decisions: Sequence[StoryDecision] | None = None,
) -> tuple[list[ArticleRecord], list[ItemOutcome]]:
    """Warehouse records of on-topic articles (with their stories) and their items' outcomes."""
    records, outcomes = [], []
    stories: Sequence[StoryDecision | None] = decisions or [None] * len(matched)
    for m, found, story in zip(matched, mentions, stories, strict=True):
        c = m.cleaned
        canon = location(c).canonical
        key = stable_key(canon)
        records.append(
            ArticleRecord(
                article_key=key,
                url=c.final_url,
                canonical_url=canon,
                source=c.item.source,
                site=c.article.site,
                title=c.article.title or c.item.title,
                text=c.article.text,
                # Feeds carry the full timestamp; pages often only a day (or a banner's date).
                published=c.item.published or c.article.published,
                fetched_at=c.fetched_at,
                language=c.article.language,
                content_hash=_hash(c.article.text.encode("utf-8")),
                words=len(c.article.text.split()),
                topics=m.topics,
                mentions={(x.name, x.label): x.count for x in found},
                site_lines=tuple(c.raw_lines.items()),
                **_story_fields(story),
            )
        )
        outcomes.append(_outcome(c.item, "stored", article_key=key))
    return records, outcomes


def _story_fields(story: StoryDecision | None) -> dict[str, Any]:
    """The ArticleRecord fields that place an article in its story."""
    if story is None:
        return {}
    return {
        "story_key": story.story_key,
        "text_hash": story.text_hash or None,
        "copy_of": story.copy_of,
        "copy_kind": story.kind,
        "copy_score": story.score,
        "story_buckets": story.buckets,
        "mentions_from": story.copy_of if story.reuses_entities else None,
    }


@dataclass
class RunSummary:
    """Counts and timings of one run."""

    run_id: str
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    feed_errors: list[tuple[str, str]] = field(default_factory=list)
    item_errors: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, key: str, n: int) -> None:
        """Add `n` to a count."""
        self.counts[key] = self.counts.get(key, 0) + n


def _chunks(items: Sequence[NewItem], size: int) -> Iterable[Sequence[NewItem]]:
    """Consecutive slices of `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def run_once(
    settings: Settings,
    *,
    progress: Progress | None = None,
    extractor: EntityExtractor | None = None,
    chunk_size: int = CHUNK_SIZE,
    force: bool = False,
    now: datetime | None = None,
    only: Collection[str] | None = None,
    after_load: Callable[[Warehouse], None] | None = None,
) -> RunSummary:
    """One full pass: poll every due source (every one with `force`), process new items in
    chunks, load, record the run. `now` (naive UTC) is the polling clock, for tests.

    `only` limits the pass to these sources (an event run polls the feeds that changed);
    `after_load` is called with the open warehouse after each chunk is loaded (an event run
    raises and delivers alerts there, so a burst's first alerts do not wait for its last items).
    """
    started = time.monotonic()
    summary = RunSummary(run_id=f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}")
    sources = {
        s.name: s for s in settings.sources if s.enabled and (only is None or s.name in only)
    }
    report = progress or (lambda stage, done, total: None)
    with Warehouse(settings.db_path) as wh, Fetcher(settings.fetch) as fetcher:
        wh.start_run(summary.run_id)
        try:
            _run(
                settings,
                wh,
                fetcher,
                sources,
                summary,
                report,
                extractor,
                chunk_size,
                force=force,
                now=now,
                after_load=after_load,
            )
        except BaseException as exc:
            summary.seconds = time.monotonic() - started
            summary.counts["error"] = 1
            wh.finish_run(
                summary.run_id,
                "failed",
                {**summary.counts, "error": f"{type(exc).__name__}: {exc}"},
                summary.seconds,
            )
            raise
        summary.seconds = time.monotonic() - started
        wh.finish_run(summary.run_id, "completed", dict(summary.counts), summary.seconds)
        publish_if_due(wh, settings)  # logs and carries on if it cannot
    return summary


def _run(
    settings: Settings,
    wh: Warehouse,
    fetcher: Fetcher,
    sources: dict[str, Source],
    summary: RunSummary,
    report: Progress,
    extractor: EntityExtractor | None,
    chunk_size: int,
    *,
    force: bool = False,
    now: datetime | None = None,
    after_load: Callable[[Warehouse], None] | None = None,
) -> None:
    """The body of run_once."""
    if settings.stories.enabled and stories.reindex(wh, settings.stories):
        log.info("stories: stored articles indexed for copy detection")
    report("poll", 0, len(sources))
    polls = poll_sources(
        list(sources.values()),
        wh.source_state,
        fetcher,
        settings.fetch.concurrency,
        settings.poll,
        now=now,
        force=force,
    )
    report("poll", len(sources), len(sources))
    count_polls(polls, summary)
    items = items_to_process(wh, settings, polls, set(sources))
    summary.add("new_items", len(items))
    if items and extractor is None:
        extractor = entity_extractor(settings)
    done = 0
    report("process", 0, len(items))
    for chunk in _chunks(items, chunk_size):
        pages = iter_pages(chunk, sources, fetcher)
        cleaned, clean_result = clean_pages(pages, settings, wh.site_line_counts)
        summary.add("fetched", clean_result.fetched)
        matched, match_result = match_topics(cleaned, settings)
        decisions = stories.decide(wh, story_inputs(matched), settings.stories)
        summary.add("exact_copies", sum(d.reuses_entities and not d.stored for d in decisions))
        assert extractor is not None
        mentions = extract_mentions(matched, extractor, decisions)
        records, stored = to_records(matched, mentions, decisions)
        outcomes = clean_result.outcomes + match_result.outcomes + stored
        stats = wh.load(
            LoadBatch(
                summary.run_id, articles=records, outcomes=outcomes, errors=clean_result.errors
            )
        )
        count_outcomes(outcomes, stats, summary)
        if after_load is not None:
            after_load(wh)
        done += len(chunk)
        report("process", done, len(items))
    # Sources are marked as read (ETag, body hash) only once their items are loaded: a run
    # killed before that polls them afresh next time, so no entry is skipped as "unchanged".
    wh.load(
        LoadBatch(
            summary.run_id,
            polls=[p.poll for p in polls],
            errors=[p.error for p in polls if p.error],
        )
    )


def count_polls(polls: Sequence[PollResult], summary: RunSummary) -> None:
    """Add polling counts and feed errors to a run summary (skipped sources: not due)."""
    summary.add("sources_polled", sum(not p.poll.skipped for p in polls))
    for p in polls:
        if p.poll.skipped:
            summary.add("skipped_not_due", 1)
            continue
        summary.add("entries_seen", p.entries)
        if not p.poll.ok:
            summary.add("feed_errors", 1)
            summary.feed_errors.append((p.poll.name, p.poll.error or "failed"))


def count_outcomes(outcomes: Sequence[ItemOutcome], stats: LoadStats, summary: RunSummary) -> None:
    """Add item outcomes and what a load changed to a run summary."""
    for o in outcomes:
        summary.add(o.status if o.status != "stored" else "stored_items", 1)
        if o.status in ("failed", "rejected", "blocked"):
            summary.item_errors.append((o.source, o.url, o.reason or o.status))
    summary.add("stored", stats.articles_new)
    summary.add("mentions", stats.mentions_new)
    summary.add("new_entities", stats.entities_new)


def items_to_process(
    wh: Warehouse, settings: Settings, polls: Iterable[PollResult], sources: set[str]
) -> list[NewItem]:
    """New entries of these polls plus earlier failures due a retry, each URL once."""
    items = select_new(polls, lambda keys: wh.settled(keys, settings.fetch.max_attempts))
    # Retries come from the warehouse, since an unchanged feed no longer lists them.
    seen = {i.url_key for i in items}
    return items + [i for i in due_retries(wh, settings, sources) if i.url_key not in seen]


def entity_extractor(settings: Settings) -> EntityExtractor:
    """The NER extractor for these settings, with every topic's gazetteer."""
    return EntityExtractor(settings.nlp, [e for t in settings.topics for e in t.gazetteer])


def due_retries(wh: Warehouse, settings: Settings, sources: set[str]) -> list[NewItem]:
    """Items that failed before and may be tried again."""
    rows = wh.query("due_retries", [settings.fetch.max_attempts, list(sources)])
    return [NewItem(r[0], r[1], r[2], r[3], r[4]) for r in rows]
