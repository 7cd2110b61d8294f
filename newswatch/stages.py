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
from urllib.parse import urlsplit

import fsspec

from common.keys import utcnow
from extractors.entities import EntityExtractor
from extractors.fetch import Fetcher
from extractors.stories import prepared
from newswatch import pipeline
from newswatch import stories as story_step
from newswatch.settings import Settings
from warehouse.snapshot import publish_if_due
from warehouse.store import LoadBatch, Warehouse


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
    names = [s.name for s in settings.sources if s.enabled]
    now = now or utcnow()
    with Warehouse(settings.db_path) as wh:
        wh.start_run(run_id)
        states = {name: wh.source_state(name) for name in names}
    due = {name: pipeline.is_due(states[name], now, force) for name in names}
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
        return _dump(pipeline.skipped_poll(source, now), f"{folder}/poll-{source_name}.pkl")
    # A backfill reads the whole source: "unchanged since last poll" says nothing about a range.
    state = None if backfill else states.get(source_name)
    with Fetcher(settings.fetch) as fetcher:
        result = pipeline.poll_source(source, state, fetcher, settings.poll, now)
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
    polls: list[pipeline.PollResult] = [_load(p) for p in poll_paths]
    if window.bounded:
        for p in polls:
            p.items = [i for i in p.items if window.admits(i.published)]
    enabled = {s.name for s in settings.sources if s.enabled}
    with Warehouse(settings.db_path) as wh:
        items = pipeline.items_to_process(wh, settings, polls, enabled)
        hosts = sorted({(urlsplit(i.url).hostname or "").removeprefix("www.") for i in items})
        lines = {h: dict(wh.query("site_lines_of", [h])) for h in hosts}
    _dump({"polls": polls, "site_lines": lines}, f"{folder}/selected.pkl")
    size = settings.airflow.batch_size
    return [
        _dump(items[i : i + size], f"{folder}/batch-{i // size:05d}.pkl")
        for i in range(0, len(items), size)
    ]


def process(settings: Settings, run_id: str, batch_path: str) -> str:
    """Fetch, clean and match one batch; return the file of its on-topic articles."""
    folder = run_dir(settings, run_id)
    items = _load(batch_path)
    site_lines: dict[str, dict[str, int]] = _load(f"{folder}/selected.pkl")["site_lines"]
    sources = {s.name: s for s in settings.sources}

    def stored(site: str, hashes: list[str]) -> dict[str, int]:
        known = site_lines.get(site, {})
        return {h: known[h] for h in hashes if h in known}

    # Pages are cleaned as they arrive, so the CPU works while the rest download.
    with Fetcher(settings.fetch) as fetcher:
        pages = pipeline.iter_pages(items, sources, fetcher)
        cleaned, clean_result = pipeline.clean_pages(pages, settings, stored)
    matched, match_result = pipeline.match_topics(cleaned, settings)
    # Fingerprints are the costly part of story detection: made here, in parallel per batch.
    params = story_step.story_params(settings.stories)
    out = {
        "matched": matched,
        "story_inputs": [prepared(a, params) for a in pipeline.story_inputs(matched)],
        "outcomes": clean_result.outcomes + match_result.outcomes,
        "errors": clean_result.errors,
        "fetched": clean_result.fetched,
    }
    return _dump(out, _sibling(batch_path, "processed"))


def stories(settings: Settings, processed_paths: list[str]) -> list[str]:
    """Decide the story of every on-topic article of the run, batch after batch (a copy may
    follow its original in a later batch); write each batch's decisions beside it."""
    staged = [_load(p) for p in processed_paths]
    # A batch processed by an older release has no prepared inputs: computed here then.
    inputs = [d.get("story_inputs") or pipeline.story_inputs(d["matched"]) for d in staged]
    with Warehouse(settings.db_path) as wh:
        if settings.stories.enabled:
            story_step.reindex(wh, settings.stories)
        decisions = story_step.decide(wh, [i for b in inputs for i in b], settings.stories)
    start = 0
    for path, batch in zip(processed_paths, inputs, strict=True):
        _dump(decisions[start : start + len(batch)], _sibling(path, "stories"))
        start += len(batch)
    return processed_paths


def extract(
    settings: Settings, processed_path: str, extractor: EntityExtractor | None = None
) -> str:
    """Run NER over one processed batch (exact copies take their original's entities); return
    the file of warehouse records."""
    data = _load(processed_path)
    fs, path = fsspec.core.url_to_fs(_sibling(processed_path, "stories"))
    decisions = _load(_sibling(processed_path, "stories")) if fs.exists(path) else None
    # Without story decisions (a batch staged before the stories step existed) NER runs on all.
    needs_ner = decisions is None or any(not (d.reuses_entities or d.stored) for d in decisions)
    if data["matched"] and needs_ner:
        extractor = extractor or pipeline.entity_extractor(settings)
        mentions = pipeline.extract_mentions(data["matched"], extractor, decisions)
    else:
        mentions = [[] for _ in data["matched"]]
    records, stored = pipeline.to_records(data["matched"], mentions, decisions)
    out = {
        "records": records,
        "outcomes": data["outcomes"] + stored,
        "errors": data["errors"],
        "fetched": data["fetched"],
    }
    return _dump(out, _sibling(processed_path, "records"))


def _load_groups(record_paths: list[str], articles: int) -> Iterator[list[dict[str, Any]]]:
    """The staged record batches, read one by one and grouped until a group holds at least
    `articles` articles (the last group may hold fewer)."""
    group: list[dict[str, Any]] = []
    count = 0
    for path in record_paths:
        data = _load(path)
        group.append(data)
        count += len(data["records"])
        if count >= articles:
            yield group
            group, count = [], 0
    if group:
        yield group


def load(settings: Settings, run_id: str, record_paths: list[str]) -> dict[str, int]:
    """Load the batches, several per transaction (a load's cost is mostly per statement, not
    per row), record the run, clear the staging folder."""
    folder = run_dir(settings, run_id)
    selected = _load(f"{folder}/selected.pkl")
    started = _load(f"{folder}/states.pkl")["started"]
    polls: list[pipeline.PollResult] = selected["polls"]
    summary = pipeline.RunSummary(run_id=run_id)
    pipeline.count_polls(polls, summary)
    with Warehouse(settings.db_path) as wh:
        for group in _load_groups(record_paths, settings.airflow.load_articles):
            stats = wh.load(
                LoadBatch(
                    run_id,
                    articles=[r for d in group for r in d["records"]],
                    outcomes=[o for d in group for o in d["outcomes"]],
                    errors=[e for d in group for e in d["errors"]],
                )
            )
            summary.add("fetched", sum(d["fetched"] for d in group))
            pipeline.count_outcomes([o for d in group for o in d["outcomes"]], stats, summary)
        # Sources are marked as read only after their items are in (see pipeline._run).
        wh.load(
            LoadBatch(
                run_id, polls=[p.poll for p in polls], errors=[p.error for p in polls if p.error]
            )
        )
        summary.seconds = time.time() - started
        wh.finish_run(run_id, "completed", dict(summary.counts), summary.seconds)
        publish_if_due(wh, settings)  # logs and carries on if it cannot
    _remove(folder)
    return dict(summary.counts)
