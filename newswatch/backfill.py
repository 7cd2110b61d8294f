"""Backfills from web archives: every selected page of WARC and WACZ files through the same
steps as a live run (clean, match, stories, NER, load), file by file, resumable.

A file's progress lives in the warehouse (`warc_files`): after each chunk of pages is loaded,
the offset of the first record not yet loaded is saved with the scan's counts. A file half
done when its process died resumes there; loads are idempotent and URLs already settled are
skipped, so a chunk done twice stores nothing twice.
"""

from __future__ import annotations

import glob
import io
import logging
import time
import uuid
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from datetime import time as clock_time
from pathlib import Path
from typing import IO

from common.keys import stable_key, utcnow
from extractors.decode import decode_body
from extractors.entities import EntityExtractor
from extractors.literals import Engine
from extractors.relevance import RawTest
from extractors.urls import canonical_url
from extractors.warc import (
    ArchivedPage,
    ScanCounts,
    Selection,
    open_member,
    scan,
    wacz_members,
    wacz_pages,
)
from newswatch.batches import (
    RunSummary,
    decide_stories,
    extract_batch,
    lazy_extractor,
    load_batches,
    process_pages,
)
from newswatch.polling import NewItem
from newswatch.settings import Settings, WarcSource
from newswatch.stages import Window
from newswatch.steps import Cleaned, Page
from warehouse.reads import WarcProgress
from warehouse.snapshot import publish_if_due
from warehouse.store import Warehouse

log = logging.getLogger("newswatch.backfill")

# Selected pages per clean-NER-load round, and so per saved offset.
CHUNK_PAGES = 100
# The source name of files given on the command line rather than in the config.
COMMAND_LINE_SOURCE = "warc"

# (file key, bytes read, file size, counts so far): for a progress bar or a task log.
Progress = Callable[[str, int, int, Counter[str]], None]


@dataclass(frozen=True)
class ArchiveFile:
    """One WARC to read: a file, or a WARC inside a WACZ package."""

    path: Path
    source: str
    member: str | None = None

    @property
    def key(self) -> str:
        """How the warehouse names it: the path, and for a WACZ member path!member."""
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    @classmethod
    def from_key(cls, key: str, source: str) -> ArchiveFile:
        """The file a key names (as listed by `archive_files`)."""
        path, _, member = key.partition("!")
        return cls(Path(path), source, member or None)


@dataclass
class FileResult:
    """What a backfill did with one file."""

    key: str
    status: str  # done | failed | skipped (done before, for this window)
    counts: Counter[str] = field(default_factory=Counter)
    stored: int = 0
    seconds: float = 0.0
    error: str | None = None


def archive_files(patterns: Iterable[str | Path], source: str) -> list[ArchiveFile]:
    """The WARCs named by paths and globs, in name order, each WACZ opened into its WARCs.
    A pattern that names nothing is an error, so a typo is not a silent empty backfill."""
    out: list[ArchiveFile] = []
    for pattern in patterns:
        text = str(pattern)
        paths = sorted(glob.glob(text)) if glob.has_magic(text) else [text]  # noqa: PTH207
        if not paths or not all(Path(p).is_file() for p in paths):
            raise FileNotFoundError(f"no archive file matches {text}")
        for p in paths:
            path = Path(p).resolve()
            if path.suffix.lower() == ".wacz":
                try:
                    out += [ArchiveFile(path, source, m) for m in wacz_members(path)]
                except zipfile.BadZipFile:
                    # Listed whole, so the backfill records it as failed and goes on.
                    out.append(ArchiveFile(path, source))
            else:
                out.append(ArchiveFile(path, source))
    return out


def configured_files(settings: Settings, names: Sequence[str] = ()) -> list[ArchiveFile]:
    """The files of the config's enabled `kind: warc` sources (or only of those named)."""
    out: list[ArchiveFile] = []
    for s in settings.sources:
        if isinstance(s, WarcSource) and s.enabled and (not names or s.name in names):
            out += archive_files(s.path, s.name)
    return out


def window_key(window: Window) -> str:
    """The window as the warehouse keys progress by: "since..until", open ends empty."""
    return f"{window.since or ''}..{window.until or ''}"


def selection_for(
    settings: Settings,
    window: Window,
    pages: frozenset[str] | None,
    engine: Engine | None = None,
) -> Selection:
    """What a scan keeps: pages crawled since the window opened whose raw bytes could match
    a topic (every page when a topic has no query), tested with the given literal search
    engine or the fastest installed."""
    since = datetime.combine(window.since, clock_time()) if window.since else None
    test = RawTest([t.compiled_query() for t in settings.topics], engine)
    log.info("backfill: raw topic test on the %s literal search", test.engine)
    return Selection(since, None if test.always else test, pages)


def admit_in(window: Window, counts: ScanCounts) -> Callable[[Cleaned], bool]:
    """The window test of a clean article: its own date, else when it was crawled (those
    outside are counted, and left for a backfill whose window holds them)."""

    def admit(c: Cleaned) -> bool:
        if window.admits(c.article.published or c.fetched_at):
            return True
        counts.add("outside_window")
        return False

    return admit


def url_key(page: ArchivedPage) -> str:
    """The key the warehouse knows a page's URL by (as for a feed entry)."""
    return stable_key(canonical_url(page.uri))


def to_page(page: ArchivedPage, key: str, source: str) -> Page:
    """An archived response as the pipeline's Page: decoded with its HTTP charset, fetched
    when it was crawled."""
    url = page.uri
    item = NewItem(key, url, source)
    fetched = page.warc_date or utcnow()
    return Page(
        item, decode_body(page.body, page.content_type), url, fetched, status_code=page.status
    )


def backfill_file(
    settings: Settings,
    wh: Warehouse,
    file: ArchiveFile,
    window: Window = Window(),  # noqa: B008 - frozen
    *,
    summary: RunSummary,
    extractor: EntityExtractor | None = None,
    progress: Progress | None = None,
    chunk_pages: int = CHUNK_PAGES,
) -> FileResult:
    """Read one archive file from where its last backfill (for this window) stopped, load its
    selected pages chunk by chunk, and save the offset after each load. A file that cannot be
    read is recorded as failed with its reason (what loaded before stays)."""
    started = time.monotonic()
    wkey = window_key(window)
    before = wh.warc_progress(file.key, wkey)
    if before is not None and before.status == "done":
        return FileResult(file.key, "skipped", Counter(before.counts), before.stored)
    counts = ScanCounts(Counter(before.counts if before else {}))
    state = {"stored": before.stored if before else 0, "size": 0}
    checkpoint = before.next_offset if before else 0
    get_extractor = lazy_extractor(settings, extractor)
    admit = admit_in(window, counts)

    def save(status: str, next_offset: int, error: str | None = None) -> None:
        row = WarcProgress(next_offset, status, dict(counts.counts), state["stored"])
        wh.save_warc_progress(file.key, wkey, file.source, state["size"], row, utcnow(), error)

    def load(chunk: list[ArchivedPage]) -> None:
        fresh = _unsettled(wh, settings, chunk)
        counts.add("already_settled", len(chunk) - len(fresh))
        if fresh:
            pages = [to_page(p, key, file.source) for p, key in fresh]
            batch = process_pages(pages, settings, wh.site_line_counts, admit)
            [decisions] = decide_stories(wh, [batch], settings)
            extracted = extract_batch(batch, decisions, get_extractor)
            stats = load_batches(wh, summary.run_id, [extracted], summary, settings)
            state["stored"] += stats.articles_new

    try:
        if file.member is None and file.path.suffix.lower() == ".wacz":
            raise ValueError("not a WACZ package: the file is not a readable zip")
        pages = wacz_pages(file.path) if file.member else None
        selection = selection_for(settings, window, pages)
        with open_member(file.path, file.member) as stream:
            state["size"] = stream.seek(0, io.SEEK_END)
            save("running", checkpoint)
            report = _reporter(progress, file.key, stream, state["size"], counts)
            chunk: list[ArchivedPage] = []
            for page in scan(stream, counts, selection, checkpoint, on_progress=report):
                chunk.append(page)
                if len(chunk) >= chunk_pages:
                    load(chunk)
                    checkpoint = chunk[-1].next_offset
                    save("running", checkpoint)
                    chunk = []
            load(chunk)
            report(state["size"])
            if counts.counts["unreadable"] and not counts.counts["records"]:
                raise ValueError("no WARC record could be read: not a WARC file, or cut short")
            save("done", state["size"])
    except Exception as exc:  # recorded per file; the other files go on
        error = f"{type(exc).__name__}: {exc}"
        log.warning("backfill: %s failed: %s", file.key, error)
        save("failed", checkpoint, error)
        return FileResult(
            file.key, "failed", counts.counts, state["stored"], time.monotonic() - started, error
        )
    seconds = time.monotonic() - started
    return FileResult(file.key, "done", counts.counts, state["stored"], seconds)


def backfill(
    settings: Settings,
    files: Sequence[ArchiveFile],
    window: Window = Window(),  # noqa: B008 - frozen
    *,
    extractor: EntityExtractor | None = None,
    progress: Progress | None = None,
    chunk_pages: int = CHUNK_PAGES,
) -> list[FileResult]:
    """Backfill files one after another as one recorded run (`newswatch runs` lists it)."""
    summary = RunSummary(run_id=f"backfill-{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}")
    started = time.monotonic()
    results = []
    with Warehouse(settings.db_path) as wh:
        wh.start_run(summary.run_id)
        for file in files:
            results.append(
                backfill_file(
                    settings,
                    wh,
                    file,
                    window,
                    summary=summary,
                    extractor=extractor,
                    progress=progress,
                    chunk_pages=chunk_pages,
                )
            )
        failed = sum(r.status == "failed" for r in results)
        summary.add("archive_files", len(results))
        summary.add("archive_files_failed", failed)
        status = "completed" if not failed else "completed_with_errors"
        wh.finish_run(summary.run_id, status, dict(summary.counts), time.monotonic() - started)
        publish_if_due(wh, settings)  # analysts see the backfill (logs and goes on if it cannot)
    return results


def _reporter(
    progress: Progress | None, key: str, stream: IO[bytes], size: int, counts: ScanCounts
) -> Callable[..., None]:
    """A callback for the scan: hands (file, bytes read, size, counts) to `progress`, and
    logs a line every ten percent for a task log."""
    step = max(size // 10, 1)
    logged = [0]

    def report(position: int | None = None) -> None:
        pos = stream.tell() if position is None else position
        if progress is not None:
            progress(key, pos, size, counts.counts)
        if pos // step > logged[0] or pos >= size:
            logged[0] = pos // step
            c = counts.counts
            log.info(
                "backfill %s: %d%% (%d records, %d selected, %d off topic)",
                key,
                min(100, pos * 100 // max(size, 1)),
                c["records"],
                c["selected"],
                c["off_topic"],
            )

    return report


def _unsettled(
    wh: Warehouse, settings: Settings, chunk: Sequence[ArchivedPage]
) -> list[tuple[ArchivedPage, str]]:
    """The chunk's pages whose URL is not settled yet, with their keys, each URL once (an
    archive may hold several captures of one page: the first in the file is taken)."""
    keyed = [(p, url_key(p)) for p in chunk]
    settled = wh.settled(sorted({k for _, k in keyed}), settings.fetch.max_attempts)
    seen: set[str] = set()
    out = []
    for p, key in keyed:
        if key in settled or key in seen:
            continue
        seen.add(key)
        out.append((p, key))
    return out


def file_jobs(
    settings: Settings, paths: Sequence[str] = (), source: str = COMMAND_LINE_SOURCE
) -> list[str]:
    """What a backfill DAG maps over: one "source|file key" per WARC (of the given paths, else
    of the config's kind: warc sources). Strings, so Airflow's XCom carries them as they are."""
    files = archive_files(paths, source) if paths else configured_files(settings)
    return [f"{f.source}|{f.key}" for f in files]


def backfill_job(settings: Settings, job: str, window: Window) -> dict[str, object]:
    """Backfill the one file of a job (see file_jobs); its result as plain data for XCom."""
    source, _, key = job.partition("|")
    [result] = backfill(settings, [ArchiveFile.from_key(key, source)], window)
    return {
        "file": result.key,
        "status": result.status,
        "stored": result.stored,
        "seconds": round(result.seconds, 1),
        "error": result.error,
        **dict(result.counts),
    }
