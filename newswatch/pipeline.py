"""The run: poll every due source, then process its new items chunk by chunk through the
steps of `newswatch.steps`, in one process (the CLI, the event-driven stream and benches)."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime

from common.keys import utcnow
from extractors.entities import EntityExtractor
from extractors.fetch import Fetcher
from newswatch import stories
from newswatch.batches import (
    RunSummary,
    count_polls,
    decide_stories,
    extract_batch,
    lazy_extractor,
    load_batches,
    mark_polled,
    process_batch,
)
from newswatch.polling import NewItem, poll_sources
from newswatch.settings import Settings, Source
from newswatch.steps import items_to_process
from warehouse.snapshot import publish_if_due
from warehouse.store import Warehouse

log = logging.getLogger("newswatch.pipeline")

# Items per fetch-clean-NER-load round: bounds memory and what a crash can cost.
CHUNK_SIZE = 200

Progress = Callable[[str, int, int], None]


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
        s.name: s for s in settings.polled_sources if s.enabled and (only is None or s.name in only)
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
    """The body of run_once: poll, then each chunk through the steps, then mark polls read."""
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
    get_extractor = lazy_extractor(settings, extractor)
    done = 0
    report("process", 0, len(items))
    for chunk in _chunks(items, chunk_size):
        batch = process_batch(chunk, sources, settings, fetcher, wh.site_line_counts)
        [decisions] = decide_stories(wh, [batch], settings)
        load_batches(
            wh, summary.run_id, [extract_batch(batch, decisions, get_extractor)], summary, settings
        )
        if after_load is not None:
            after_load(wh)
        done += len(chunk)
        report("process", done, len(items))
    mark_polled(wh, summary.run_id, polls)
