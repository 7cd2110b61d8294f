"""The pipeline split into staged steps for Airflow: tasks pass paths of staging files, not data.

Only `prepare`, `select`, `stories` and `load` open the warehouse (the DAG runs them in a
one-slot pool, so one process touches the DuckDB file at a time); `poll`, `process` and
`extract` work on staging files alone and may run in parallel on any worker that sees the
staging area.
"""

from __future__ import annotations

import pickle
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import fsspec

from common.keys import utcnow
from common.sitelines import LineStats
from extractors.entities import EntityExtractor
from extractors.fetch import Fetcher
from extractors.urls import site_of
from newswatch import batches, polling, steps
from newswatch import stories as story_step
from newswatch.polling import PollResult
from newswatch.settings import Settings
from warehouse.snapshot import publish_if_due
from warehouse.store import Warehouse


def run_dir(settings: Settings, run_id: str) -> str:
    """The staging folder of one DAG run: a local path or an fsspec URL (s3://, gs://, ...)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id)
    return f"{settings.airflow.staging_dir.rstrip('/')}/{safe}"


def _dump(obj: Any, url: str) -> str:
    """Write a staging file (atomically where the file system can rename) and return its URL."""
    fs, path = fsspec.core.url_to_fs(url)
    fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
    tmp = f"{path}.tmp"
    with fs.open(tmp, "wb") as out:
        out.write(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
    fs.mv(tmp, path)
    return url


def _load(url: str) -> Any:
    """Read a staging file."""
    fs, path = fsspec.core.url_to_fs(url)
    with fs.open(path, "rb") as src:
        return pickle.loads(src.read())  # noqa: S301 (our own staging files)


def _sibling(url: str, suffix: str) -> str:
    """A staging file named after another one: batch-00001.pkl -> batch-00001-<suffix>.pkl."""
    return url.removesuffix(".pkl") + f"-{suffix}.pkl"


def _remove(url: str) -> None:
    """Delete a staging folder and everything in it, if it is there."""
    fs, path = fsspec.core.url_to_fs(url)
    if fs.exists(path):
        fs.rm(path, recursive=True)


@dataclass(frozen=True)
class Window:
    """A publication-date range [since, until) for backfills; open ends are unbounded."""

    since: date | None = None
    until: date | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Window:
        """The window from DAG params `since` and `until` (ISO dates or empty)."""
        return cls(
            *(
                date.fromisoformat(str(params[k])) if params.get(k) else None
                for k in ("since", "until")
            )
        )

    @property
    def bounded(self) -> bool:
        """Whether either end is set."""
        return self.since is not None or self.until is not None

    def admits(self, published: datetime | None) -> bool:
        """Whether an entry with this publication time belongs to the window."""
        if not self.bounded:
            return True
        if published is None:
            return False  # an undated entry cannot be placed in a backfill range
        day = published.date()
        return (self.since is None or day >= self.since) and (
            self.until is None or day < self.until
        )


def prepare(
    settings: Settings, run_id: str, *, force: bool = False, now: datetime | None = None
) -> list[str]:
    """Record the run's start, snapshot source states and which sources are due (all with
    `force`); return every enabled source name: `poll` records a source not due as skipped."""
    names = [s.name for s in settings.polled_sources if s.enabled]
    now = now or utcnow()
    with Warehouse(settings.db_path) as wh:
        wh.start_run(run_id)
        states = {name: wh.source_state(name) for name in names}
    due = {name: polling.is_due(states[name], now, force) for name in names}
    _dump(
        {"states": states, "due": due, "started": time.time()},
        f"{run_dir(settings, run_id)}/states.pkl",
    )
    return names


def poll(
    settings: Settings,
    run_id: str,
    source_name: str,
    window: Window | None = None,
    now: datetime | None = None,
) -> str:
    """Poll one source if it is due (no request otherwise); its entries go to a staging file."""
    folder = run_dir(settings, run_id)
    snapshot = _load(f"{folder}/states.pkl")
    states = snapshot["states"]
    source = next(s for s in settings.sources if s.name == source_name)
    now = now or utcnow()
    backfill = bool(window and window.bounded)
    if not backfill and not snapshot.get("due", {}).get(source_name, True):
        return _dump(polling.skipped_poll(source, now), f"{folder}/poll-{source_name}.pkl")
    # A backfill reads the whole source: "unchanged since last poll" says nothing about a range.
    state = None if backfill else states.get(source_name)
    with Fetcher(settings.fetch) as fetcher:
        result = polling.poll_source(source, state, fetcher, settings.poll, now)
    if state is None and window and window.bounded:
        # Nor may a backfill mark the source as read: entries outside its range are still new.
        result.poll = replace(result.poll, etag=None, last_modified=None, content_hash=None)
    return _dump(result, f"{folder}/poll-{source_name}.pkl")


def select(
    settings: Settings, run_id: str, poll_paths: list[str], window: Window | None = None
) -> list[str]:
    """Keep unseen and due items (within the window), split them into batches."""
    window = window or Window()
    folder = run_dir(settings, run_id)
    polls: list[PollResult] = [_load(p) for p in poll_paths]
    if window.bounded:
        for p in polls:
            p.items = [i for i in p.items if window.admits(i.published)]
    enabled = {s.name for s in settings.polled_sources if s.enabled}
    with Warehouse(settings.db_path) as wh:
        items = steps.items_to_process(wh, settings, polls, enabled)
        # Batch workers may not open the file, so the template-line counts they need are read
        # here: for the sites of the item URLs and for every site these sources' items were
        # redirected to before, since an article's lines belong to the site it landed on.
        sources = sorted({i.source for i in items})
        hosts = {site_of(i.url) for i in items} | set(wh.sites_of_sources(sources))
        lines = {h: wh.site_lines(h) for h in sorted(hosts)}
    _dump({"polls": polls, "site_lines": lines}, f"{folder}/selected.pkl")
    size = settings.airflow.batch_size
    return [
        _dump(items[i : i + size], f"{folder}/batch-{i // size:05d}.pkl")
        for i in range(0, len(items), size)
    ]


def process(settings: Settings, run_id: str, batch_path: str) -> str:
    """Fetch, clean, match and fingerprint one batch; return the file of what it gave."""
    folder = run_dir(settings, run_id)
    items = _load(batch_path)
    site_lines: dict[str, dict[str, LineStats]] = _load(f"{folder}/selected.pkl")["site_lines"]
    sources = {s.name: s for s in settings.sources}

    def stored(site: str, hashes: list[str]) -> dict[str, LineStats]:
        known = site_lines.get(site, {})
        return {h: known[h] for h in hashes if h in known}

    with Fetcher(settings.fetch) as fetcher:
        batch = batches.process_batch(items, sources, settings, fetcher, stored)
    return _dump(batch, _sibling(batch_path, "processed"))


def stories(settings: Settings, processed_paths: list[str]) -> list[str]:
    """Decide the story of every on-topic article of the run, batch after batch (a copy may
    follow its original in a later batch); write each batch's decisions beside it."""
    staged: list[batches.Processed] = [_load(p) for p in processed_paths]
    with Warehouse(settings.db_path) as wh:
        if settings.stories.enabled:
            story_step.reindex(wh, settings.stories)
        decisions = batches.decide_stories(wh, staged, settings)
    for path, decided in zip(processed_paths, decisions, strict=True):
        _dump(decided, _sibling(path, "stories"))
    return processed_paths


def extract(
    settings: Settings, processed_path: str, extractor: EntityExtractor | None = None
) -> str:
    """Run NER over one processed batch (exact copies take their original's entities); return
    the file of warehouse records."""
    batch: batches.Processed = _load(processed_path)
    decisions = _load(_sibling(processed_path, "stories"))
    extracted = batches.extract_batch(batch, decisions, batches.lazy_extractor(settings, extractor))
    return _dump(extracted, _sibling(processed_path, "records"))


def _load_groups(record_paths: list[str], articles: int) -> Iterator[list[batches.Extracted]]:
    """The staged record batches, read one by one and grouped until a group holds at least
    `articles` articles (the last group may hold fewer)."""
    group: list[batches.Extracted] = []
    count = 0
    for path in record_paths:
        extracted: batches.Extracted = _load(path)
        group.append(extracted)
        count += len(extracted.records)
        if count >= articles:
            yield group
            group, count = [], 0
    if group:
        yield group


def load(settings: Settings, run_id: str, record_paths: list[str]) -> dict[str, int]:
    """Load the batches, several per transaction, record the run, clear the staging folder."""
    folder = run_dir(settings, run_id)
    selected = _load(f"{folder}/selected.pkl")
    started = _load(f"{folder}/states.pkl")["started"]
    polls: list[PollResult] = selected["polls"]
    summary = batches.RunSummary(run_id=run_id)
    batches.count_polls(polls, summary)
    with Warehouse(settings.db_path) as wh:
        for group in _load_groups(record_paths, settings.airflow.load_articles):
            batches.load_batches(wh, run_id, group, summary, settings)
        batches.mark_polled(wh, run_id, polls)
        summary.seconds = time.time() - started
        wh.finish_run(run_id, "completed", dict(summary.counts), summary.seconds)
        publish_if_due(wh, settings)  # logs and carries on if it cannot
    _remove(folder)
    return dict(summary.counts)
