"""The newswatch pipeline as small stages (poll, select, fetch, clean, match, extract, load).

Each stage is a plain function so that `run_once` and the Airflow DAGs can wire the same code.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import courlan
from trafilatura.utils import decode_file

from extractors.boilerplate import drop_lines, repeated_lines, short_lines
from extractors.clean import CleanArticle, extract_article, with_text
from extractors.entities import EntityExtractor, Mention
from extractors.feeds import parse_feed
from extractors.fetch import Fetcher, FetchResult
from newswatch.settings import ArchiveSource, FeedSource, Settings, Source
from warehouse.store import (
    ArticleRecord,
    ErrorRecord,
    ItemOutcome,
    LoadBatch,
    LoadStats,
    SourcePoll,
    SourceState,
    Warehouse,
    stable_key,
    utcnow,
)

log = logging.getLogger("newswatch.pipeline")

FEED_SUFFIXES = (".xml", ".rss", ".atom")
# Items per fetch-clean-NER-load round: bounds memory and what a crash can cost.
CHUNK_SIZE = 200

Progress = Callable[[str, int, int], None]


def canonical_url(url: str) -> str:
    """The URL without tracking parameters, fragment and case noise."""
    try:
        return str(courlan.normalize_url(url.strip(), strict=True))
    except Exception:  # courlan raises on some malformed URLs; keep the raw one then
        return url.strip()


def url_key(url: str) -> str:
    """The stable key of a URL (and of the article stored from it)."""
    return stable_key(canonical_url(url))


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


def poll_feed(source: FeedSource, state: SourceState | None, fetcher: Fetcher) -> PollResult:
    """Poll one web feed with a conditional GET."""
    result = fetcher.fetch(
        source.url,
        etag=state.etag if state else None,
        last_modified=state.last_modified if state else None,
    )
    base = SourcePoll(source.name, "feed", source.url, ok=True)
    if result.not_modified:
        return PollResult(base)
    if not result.ok or result.content is None:
        return _poll_failure(base, source.url, result.error or "no body", result)
    content_hash = _hash(result.content)
    if state and state.content_hash == content_hash:
        # Some servers ignore conditional GET; an identical body has nothing new.
        return PollResult(replace(base, etag=result.etag, last_modified=result.last_modified))
    items, error = _items_from_feed(result.content, result.final_url, source.name)
    if error:
        return _poll_failure(base, source.url, error, result)
    poll = replace(
        base,
        new_items=len(items),
        etag=result.etag,
        last_modified=result.last_modified,
        content_hash=content_hash,
    )
    return PollResult(poll, items, entries=len(items))


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


def poll_archive(source: ArchiveSource, state: SourceState | None) -> PollResult:
    """Read an archive's feed files as if they were polled."""
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


def poll_source(source: Source, state: SourceState | None, fetcher: Fetcher) -> PollResult:
    """Poll any kind of source."""
    if isinstance(source, ArchiveSource):
        return poll_archive(source, state)
    return poll_feed(source, state, fetcher)


def poll_sources(
    sources: Sequence[Source],
    state_of: Callable[[str], SourceState | None],
    fetcher: Fetcher,
    workers: int,
) -> list[PollResult]:
    """Poll sources in parallel (feeds wait on the network), results in source order."""
    states = [state_of(s.name) for s in sources]  # read first: the warehouse is single-threaded
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(sources)))) as pool:
        return list(
            pool.map(
                lambda pair: poll_source(pair[0], pair[1], fetcher),
                zip(sources, states, strict=True),
            )
        )


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


def fetch_pages(
    items: Sequence[NewItem], sources: dict[str, Source], fetcher: Fetcher
) -> list[Page]:
    """Fetch each item's page from the web or its archive; failures come back as Pages too."""
    pages: dict[int, Page] = {}
    web: list[tuple[int, NewItem]] = []
    for i, item in enumerate(items):
        source = sources.get(item.source)
        if isinstance(source, ArchiveSource):
            path = archive_page(source, item.url)
            if path is None:
                pages[i] = Page(item, None, item.url, utcnow(), "not in archive")
            else:
                pages[i] = Page(item, decode_file(path.read_bytes()), item.url, utcnow())
        else:
            web.append((i, item))
    results = fetcher.fetch_many([item.url for _, item in web])
    for (i, item), res in zip(web, results, strict=True):
        if res.ok and res.content is not None:
            pages[i] = Page(
                item, decode_file(res.content), res.final_url, utcnow(), status_code=res.status
            )
        else:
            pages[i] = Page(
                item,
                None,
                res.final_url,
                utcnow(),
                res.error or "no body",
                res.status,
                res.retryable,
            )
    return [pages[i] for i in range(len(items))]


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
    pages: Sequence[Page],
    settings: Settings,
    stored_line_counts: Callable[[str, list[str]], dict[str, int]],
) -> tuple[list[Cleaned], StageResult]:
    """Extract clean articles, then drop lines each site repeats across its articles."""
    result = StageResult()
    firsts: list[Cleaned] = []
    for page in pages:
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
            result.outcomes.append(_outcome(page.item, "rejected", reason))
            result.errors.append(_error(page.item, "clean", reason))
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


def extract_mentions(matched: Sequence[Matched], extractor: EntityExtractor) -> list[list[Mention]]:
    """Entities of each on-topic article (title and text), in batches."""
    texts = [f"{m.cleaned.article.title or ''}\n\n{m.cleaned.article.text}" for m in matched]
    return extractor.extract(texts)


def to_records(
    matched: Sequence[Matched], mentions: Sequence[Sequence[Mention]]
) -> tuple[list[ArticleRecord], list[ItemOutcome]]:
    """Warehouse records of on-topic articles and their items' outcomes."""
    records, outcomes = [], []
    for m, found in zip(matched, mentions, strict=True):
        c = m.cleaned
        canon = canonical_url(c.final_url)
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
                topics=m.topics,
                mentions={(x.name, x.label): x.count for x in found},
                site_lines=tuple(c.raw_lines.items()),
            )
        )
        outcomes.append(_outcome(c.item, "stored", article_key=key))
    return records, outcomes


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
) -> RunSummary:
    """One full pass: poll every source, process new items in chunks, load, record the run."""
    started = time.monotonic()
    summary = RunSummary(run_id=f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}")
    sources = {s.name: s for s in settings.sources if s.enabled}
    report = progress or (lambda stage, done, total: None)
    with Warehouse(settings.db_path) as wh, Fetcher(settings.fetch) as fetcher:
        wh.start_run(summary.run_id)
        try:
            _run(settings, wh, fetcher, sources, summary, report, extractor, chunk_size)
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
) -> None:
    """The body of run_once."""
    report("poll", 0, len(sources))
    polls = poll_sources(
        list(sources.values()), wh.source_state, fetcher, settings.fetch.concurrency
    )
    report("poll", len(sources), len(sources))
    count_polls(polls, summary)
    items = select_new(polls, lambda keys: wh.settled(keys, settings.fetch.max_attempts))
    # Retries of failed items come from the warehouse, since an unchanged feed no longer lists them.
    items += [
        i
        for i in due_retries(wh, settings, set(sources))
        if i.url_key not in {x.url_key for x in items}
    ]
    summary.add("new_items", len(items))
    wh.load(
        LoadBatch(
            summary.run_id,
            polls=[p.poll for p in polls],
            errors=[p.error for p in polls if p.error],
        )
    )
    if items and extractor is None:
        extractor = EntityExtractor(settings.nlp, [e for t in settings.topics for e in t.gazetteer])
    done = 0
    report("process", 0, len(items))
    for chunk in _chunks(items, chunk_size):
        pages = fetch_pages(chunk, sources, fetcher)
        summary.add("fetched", sum(p.html is not None for p in pages))
        cleaned, clean_result = clean_pages(pages, settings, wh.site_line_counts)
        matched, match_result = match_topics(cleaned, settings)
        assert extractor is not None
        mentions = extract_mentions(matched, extractor)
        records, stored = to_records(matched, mentions)
        outcomes = clean_result.outcomes + match_result.outcomes + stored
        stats = wh.load(
            LoadBatch(
                summary.run_id, articles=records, outcomes=outcomes, errors=clean_result.errors
            )
        )
        count_outcomes(outcomes, stats, summary)
        done += len(chunk)
        report("process", done, len(items))


def count_polls(polls: Sequence[PollResult], summary: RunSummary) -> None:
    """Add polling counts and feed errors to a run summary."""
    summary.add("sources_polled", len(polls))
    for p in polls:
        summary.add("entries_seen", p.entries)
        if not p.poll.ok:
            summary.add("feed_errors", 1)
            summary.feed_errors.append((p.poll.name, p.poll.error or "failed"))


def count_outcomes(outcomes: Sequence[ItemOutcome], stats: LoadStats, summary: RunSummary) -> None:
    """Add item outcomes and what a load changed to a run summary."""
    for o in outcomes:
        summary.add(o.status if o.status != "stored" else "stored_items", 1)
        if o.status in ("failed", "rejected"):
            summary.item_errors.append((o.source, o.url, o.reason or o.status))
    summary.add("stored", stats.articles_new)
    summary.add("mentions", stats.mentions_new)
    summary.add("new_entities", stats.entities_new)


def due_retries(wh: Warehouse, settings: Settings, sources: set[str]) -> list[NewItem]:
    """Items that failed before and may be tried again."""
    rows = wh.query("due_retries", [settings.fetch.max_attempts, list(sources)])
    return [NewItem(r[0], r[1], r[2], r[3], r[4]) for r in rows]
