"""The batch plumbing: the one composition of the steps that every run path calls.

A batch goes process (fetch, clean, match, fingerprint) -> stories -> extract (NER, records)
-> load. `run_once` calls these in one process, chunk by chunk; the Airflow tasks in
`newswatch.stages` call the very same functions with staging files between them, so a new
step is wired here once.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from common.sitelines import LineStats
from common.stories import StoryMerge
from extractors.entities import EntityExtractor
from extractors.fetch import Fetcher
from extractors.stories import StoryDecision, StoryInput, prepared
from newswatch import stories
from newswatch.linking import link_entities, linker, pinned_names, topic_aliases
from newswatch.polling import NewItem, PollResult
from newswatch.settings import Settings, Source
from newswatch.steps import (
    Cleaned,
    Matched,
    Page,
    clean_pages,
    entity_extractor,
    extract_mentions,
    iter_pages,
    match_topics,
    story_inputs,
    to_records,
)
from warehouse.records import ArticleRecord, ErrorRecord, ItemOutcome, LoadBatch, LoadStats
from warehouse.store import Warehouse

log = logging.getLogger("newswatch.batches")


@dataclass
class RunSummary:
    """Counts and timings of one run."""

    run_id: str
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    feed_errors: list[tuple[str, str]] = field(default_factory=list)
    item_errors: list[tuple[str, str, str]] = field(default_factory=list)
    # Stored articles that no NER pipeline read, per reason ("no NER model for kk").
    no_ner: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, n: int) -> None:
        """Add `n` to a count."""
        self.counts[key] = self.counts.get(key, 0) + n


def count_polls(polls: Sequence[PollResult], summary: RunSummary) -> None:
    """Add polling counts and feed errors to a run summary (skipped sources: not due)."""
    summary.add("sources_polled", sum(not p.poll.skipped for p in polls))
    for p in polls:
        if p.poll.skipped:
            summary.add("skipped_not_due", 1)
            continue
        summary.add("entries_seen", p.entries)
        if p.rejected:
            summary.add("entries_refused", len(p.rejected))
            summary.feed_errors.extend((p.poll.name, r.reason) for r in p.rejected)
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


@dataclass
class Processed:
    """A batch fetched, cleaned and matched, its on-topic articles fingerprinted."""

    matched: list[Matched]
    story_inputs: list[StoryInput]
    outcomes: list[ItemOutcome]
    errors: list[ErrorRecord]
    fetched: int


@dataclass
class Extracted:
    """A batch ready to load: warehouse records plus every item's outcome."""

    records: list[ArticleRecord]
    outcomes: list[ItemOutcome]
    errors: list[ErrorRecord]
    fetched: int
    exact_copies: int
    # Stories this batch's articles showed to be one report.
    merges: list[StoryMerge] = field(default_factory=list)


def process_batch(
    items: Sequence[NewItem],
    sources: Mapping[str, Source],
    settings: Settings,
    fetcher: Fetcher,
    stored_line_counts: Callable[[str, list[str]], dict[str, LineStats]],
) -> Processed:
    """Fetch, clean and match one batch, cleaning each page as it arrives (the CPU works while
    the rest download), and fingerprint what is on topic: the costly part of story detection,
    done here because batches run in parallel while story decisions run one at a time."""
    return process_pages(iter_pages(items, dict(sources), fetcher), settings, stored_line_counts)


def process_pages(
    pages: Iterable[Page],
    settings: Settings,
    stored_line_counts: Callable[[str, list[str]], dict[str, LineStats]],
    admit: Callable[[Cleaned], bool] | None = None,
) -> Processed:
    """Clean and match pages already in hand (fetched, or read from an archive) and
    fingerprint what is on topic. Clean articles `admit` turns away (outside a backfill's
    date window) leave no outcome: a later, wider backfill must still take them."""
    cleaned, clean_result = clean_pages(pages, settings, stored_line_counts)
    if admit is not None:
        cleaned = [c for c in cleaned if admit(c)]
    matched, match_result = match_topics(cleaned, settings)
    inputs = story_inputs(matched)
    if settings.stories.enabled:
        params = stories.story_params(settings.stories)
        inputs = [prepared(a, params) for a in inputs]
    return Processed(
        matched,
        inputs,
        clean_result.outcomes + match_result.outcomes,
        clean_result.errors,
        clean_result.fetched,
    )


def decide_stories(
    wh: Warehouse, batches: Sequence[Processed], settings: Settings
) -> list[list[StoryDecision]]:
    """The story of every on-topic article of these batches, per batch, decided in order: a
    copy may follow its original in a later batch."""
    flat = stories.decide(wh, [a for b in batches for a in b.story_inputs], settings.stories)
    out, start = [], 0
    for batch in batches:
        out.append(flat[start : start + len(batch.story_inputs)])
        start += len(batch.story_inputs)
    return out


def extract_batch(
    batch: Processed,
    decisions: Sequence[StoryDecision],
    extractor: Callable[[], EntityExtractor],
) -> Extracted:
    """NER over a batch's new articles (copies take their original's entities at load, so a
    batch of copies never loads the model) and its warehouse records."""
    needs_ner = any(not (d.reuses_entities or d.stored) for d in decisions)
    if needs_ner:
        mentions, ner = extract_mentions(batch.matched, extractor(), decisions)
    else:
        mentions, ner = [[] for _ in batch.matched], None
    records, stored = to_records(batch.matched, mentions, decisions, ner)
    return Extracted(
        records,
        batch.outcomes + stored,
        batch.errors,
        batch.fetched,
        sum(d.reuses_entities and not d.stored for d in decisions),
        [m for d in decisions for m in d.merges],
    )


def load_batches(
    wh: Warehouse,
    run_id: str,
    group: Sequence[Extracted],
    summary: RunSummary,
    settings: Settings,
) -> LoadStats:
    """Link the batches' new names across scripts, load them in one transaction (a load costs
    mostly per statement, not per row) and count what they changed."""
    outcomes = [o for e in group for o in e.outcomes]
    records = [r for e in group for r in e.records]
    pinned = pinned_names(settings)
    links = link_entities(wh, records, pinned, linker(settings.nlp), topic_aliases(settings))
    # getattr: a batch staged by the previous version (a run upgraded mid-way) has no merges.
    merges = [m for e in group for m in getattr(e, "merges", ())]
    stats = wh.load(
        LoadBatch(
            run_id,
            articles=records,
            outcomes=outcomes,
            errors=[x for e in group for x in e.errors],
            links=links,
            pinned=pinned,
            merges=merges,
        )
    )
    summary.add("entity_links", len(links))
    summary.add("story_merges", len(merges))
    for r in records:
        if r.ner_skipped:
            summary.add("no_ner", 1)
            summary.no_ner[r.ner_skipped] = summary.no_ner.get(r.ner_skipped, 0) + 1
    summary.add("fetched", sum(e.fetched for e in group))
    summary.add("exact_copies", sum(e.exact_copies for e in group))
    count_outcomes(outcomes, stats, summary)
    return stats


def mark_polled(wh: Warehouse, run_id: str, polls: Sequence[PollResult]) -> None:
    """Record the polls, which marks their sources as read (ETag, body hash). Called only once
    their items are loaded: a run killed before that polls them afresh next time, so no entry
    is skipped as "unchanged"."""
    wh.load(
        LoadBatch(
            run_id,
            polls=[p.poll for p in polls],
            errors=[p.error for p in polls if p.error] + [r for p in polls for r in p.rejected],
            resolved=[k for p in polls for k in p.resolved],
        )
    )


def lazy_extractor(
    settings: Settings, given: EntityExtractor | None = None
) -> Callable[[], EntityExtractor]:
    """The NER extractor, made on first use only: loading the model costs seconds."""

    @functools.cache
    def get() -> EntityExtractor:
        return given or entity_extractor(settings)

    return get
