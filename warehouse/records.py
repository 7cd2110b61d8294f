"""What the pipeline hands the warehouse and what it reads back: plain records, no SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from common.keys import stable_key
from common.links import EntityLink
from common.stories import StoryMerge


def entity_id(name: str, label: str) -> str:
    """The key of an entity: its label and canonical name."""
    return stable_key(label, name, size=8)


@dataclass(frozen=True)
class ArticleRecord:
    """A clean, on-topic article ready to store."""

    article_key: str
    url: str
    canonical_url: str
    source: str
    site: str | None
    title: str | None
    text: str
    published: datetime | None
    fetched_at: datetime
    language: str | None
    content_hash: str
    topics: dict[str, tuple[str, ...]]
    mentions: dict[tuple[str, str], int]  # (canonical name, label) -> count
    site_lines: tuple[tuple[str, str], ...] = ()  # (line hash, line) of its short lines
    site_marks: tuple[int, ...] = ()  # marks of its own paragraphs (extractors.boilerplate)
    # Its story (extractors.stories): None makes the article a story of its own.
    story_key: str | None = None
    text_hash: str | None = None
    copy_of: str | None = None
    copy_kind: str | None = None
    copy_score: float | None = None
    story_buckets: tuple[int, ...] = ()
    # An exact copy carries no mentions of its own: it takes this article's at load time.
    mentions_from: str | None = None
    # Counted where the record is made (a parallel task); counted at load time if not given.
    words: int | None = None
    # How the text wrote each entity ((canonical name, label) -> forms), for entity_forms.
    forms: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    # The NER pipeline that read it, or why none did ("no NER model for kk").
    ner_model: str | None = None
    ner_skipped: str | None = None


@dataclass(frozen=True)
class ItemOutcome:
    """What became of one feed entry in this run."""

    url_key: str
    url: str
    source: str
    guid: str | None
    title: str | None
    status: str  # stored | offtopic | rejected | failed
    reason: str | None = None
    article_key: str | None = None


@dataclass(frozen=True)
class ErrorRecord:
    """A failure of one URL at one stage."""

    url_key: str
    stage: str
    url: str
    source: str
    reason: str
    status_code: int | None
    retryable: bool


@dataclass(frozen=True)
class SourcePoll:
    """A source's polling result, for its health record."""

    name: str
    kind: str
    location: str
    ok: bool
    new_items: int = 0
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    error: str | None = None
    # Polling health and schedule (see newswatch.pipeline.schedule_poll).
    skipped: bool = False  # not due: no request was made
    polled_at: datetime | None = None
    status_code: int | None = None
    not_modified: bool = False
    unconditional: bool = False
    failing_since: datetime | None = None
    interval_minutes: float | None = None
    next_poll_at: datetime | None = None
    ttl_minutes: float | None = None
    validated_since_change: bool = False
    lying_validators: bool = False
    lying_detected_at: datetime | None = None


@dataclass
class LoadBatch:
    """Everything one run (or one batch of it) writes, applied in one transaction."""

    run_id: str
    articles: list[ArticleRecord] = field(default_factory=list)
    outcomes: list[ItemOutcome] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)
    polls: list[SourcePoll] = field(default_factory=list)
    links: list[EntityLink] = field(default_factory=list)
    # Topic gazetteer names: stored under their own name whatever a link once said.
    pinned: frozenset[tuple[str, str]] = frozenset()
    # Stories found to be one report, applied after the batch's articles are written.
    merges: list[StoryMerge] = field(default_factory=list)
    # Keys of error records found mended (fetch_errors.resolved_at is set).
    resolved: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LoadStats:
    """What a load changed."""

    articles_new: int
    entities_new: int
    mentions_new: int


@dataclass(frozen=True)
class SourceState:
    """What the warehouse remembers about a source between polls."""

    name: str
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    last_success: datetime | None
    last_error: str | None
    consecutive_failures: int
    items_seen: int
    polls: int = 0
    not_modified: int = 0
    failing_since: datetime | None = None
    interval_minutes: float | None = None
    next_poll_at: datetime | None = None
    ttl_minutes: float | None = None
    validated_since_change: bool = False
    lying_validators: bool = False
    arrivals: tuple[datetime, ...] = ()  # when new items were first seen, newest first


# How many recent arrival times of new items a source's state carries.
ARRIVALS_LIMIT = 200
