"""RSS/Atom parsing: feed bytes in, clean deduplicated entries with absolute links out."""

from __future__ import annotations

import calendar
import io
import logging
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

import feedparser

logger = logging.getLogger("newswatch.feeds")

# Far above any real feed; beyond this parsing costs more memory and time than the feed is worth.
MAX_FEED_BYTES = 20_000_000
_WEB_SCHEMES = frozenset({"http", "https"})
_HTML_MARKER = re.compile(rb"<!doctype\s+html|<html[\s>]", re.IGNORECASE)
# Control bytes other than tab/newline/carriage return never appear in a text feed.
_CONTROL_BYTES = frozenset({*range(0, 9), 11, 12, *range(14, 32)})


@dataclass(frozen=True)
class FeedEntry:
    """One feed item, normalised."""

    guid: str
    link: str
    title: str | None
    published: datetime | None
    summary: str | None


class FeedParseResult(NamedTuple):
    """The entries of a feed, or why there are none."""

    entries: list[FeedEntry]
    error: str | None
    title: str | None = None
    dropped: int = 0


def parse_feed(content: bytes, url: str) -> FeedParseResult:
    """Parse feed bytes fetched from `url`; never raises, failures come back in `error`."""
    try:
        return _parse(content, url)
    except Exception as exc:  # a feed is untrusted input: one bad document must not stop a run
        logger.warning("feed parser failed on %s: %s: %s", url, type(exc).__name__, exc)
        return FeedParseResult([], f"parser failure: {type(exc).__name__}: {_short(str(exc))}")


def _parse(content: bytes, url: str) -> FeedParseResult:
    """Check the input, run feedparser and turn its result into FeedEntry objects."""
    if not isinstance(content, bytes | bytearray | memoryview):
        return FeedParseResult([], f"not bytes: {type(content).__name__}")
    data = bytes(content)
    if len(data) > MAX_FEED_BYTES:
        return FeedParseResult([], f"too large: {len(data)} bytes (limit {MAX_FEED_BYTES})")
    if not data.strip():
        return FeedParseResult([], "empty body")

    parsed = feedparser.parse(
        # A BytesIO, never raw bytes or str: feedparser treats those as a file path or a URL.
        io.BytesIO(data),
        response_headers={
            "content-location": url,
            # Without a content type feedparser assumes ISO-8859-1 for undeclared UTF-8 feeds.
            "content-type": "application/xml",
        },
    )
    version = str(parsed.get("version") or "")
    raw_entries = parsed.get("entries") or []
    problem = _not_a_feed(data, version, raw_entries, parsed)
    if problem is not None:
        return FeedParseResult([], problem)
    if parsed.get("bozo"):
        logger.debug("feed %s is not well-formed, kept what parsed: %s", url, _bozo_reason(parsed))

    entries: list[FeedEntry] = []
    seen: set[str] = set()
    dropped = 0
    for raw in raw_entries:
        entry = _entry(raw, url)
        if entry is None:
            dropped += 1
        elif entry.guid not in seen:
            seen.add(entry.guid)
            entries.append(entry)
    feed_info = parsed.get("feed") or {}
    if parsed.get("bozo") and not entries:
        # Broken XML that yielded nothing usable is a broken feed, not a quiet one.
        return FeedParseResult([], f"malformed XML: {_bozo_reason(parsed)}", None, dropped)
    return FeedParseResult(entries, None, _clean_text(feed_info.get("title")), dropped)


def _not_a_feed(data: bytes, version: str, raw_entries: list[Any], parsed: Any) -> str | None:
    """Why the parsed document is not a usable feed, or None when it is one."""
    if not version and _HTML_MARKER.search(data[:4096]):
        return "not a feed: looks like an HTML page"
    if raw_entries:
        # A well-formedness slip late in an otherwise readable feed must not lose its items.
        return None
    if _looks_binary(data):
        return "not a feed: binary content"
    if parsed.get("bozo"):
        return f"malformed XML: {_bozo_reason(parsed)}"
    if not version:
        return "not a feed: no RSS, Atom or RDF root element"
    return None


def _looks_binary(data: bytes) -> bool:
    """Whether the start of `data` is mostly control bytes (UTF-16/32 feeds parse before this)."""
    head = data[:1024]
    controls = sum(1 for byte in head if byte in _CONTROL_BYTES)
    return controls * 10 > len(head)


def _bozo_reason(parsed: Any) -> str:
    """feedparser's complaint about a document, shortened."""
    exc = parsed.get("bozo_exception")
    return _short(str(exc) if exc is not None else "unknown problem")


def _entry(raw: Mapping[str, Any], feed_url: str) -> FeedEntry | None:
    """One FeedEntry from a feedparser entry, or None when it has no usable web link."""
    link = _first_web_link(raw, feed_url)
    if link is None:
        return None
    title = _clean_text(raw.get("title"))
    summary = _clean_text(raw.get("summary"))
    # Every kept entry has a link, so the id-less case never needs a content hash.
    guid = _clean_text(raw.get("id")) or link
    return FeedEntry(guid, link, title, _published(raw), summary)


def _first_web_link(raw: Mapping[str, Any], feed_url: str) -> str | None:
    """The entry's first absolute http(s) link."""
    for candidate in _link_candidates(raw):
        try:
            # feedparser already resolved xml:base; joining again covers links it left relative.
            absolute = urljoin(feed_url, candidate.strip())
            parts = urlsplit(absolute)
        except ValueError:
            continue
        if parts.scheme.lower() in _WEB_SCHEMES and parts.hostname:
            return absolute
    return None


def _link_candidates(raw: Mapping[str, Any]) -> Iterator[str]:
    """The entry's main link, then its alternate links."""
    link = raw.get("link")
    if isinstance(link, str) and link.strip():
        yield link
    for item in raw.get("links") or []:
        href = item.get("href") if isinstance(item, Mapping) else None
        if isinstance(href, str) and href.strip() and item.get("rel", "alternate") == "alternate":
            yield href


def _published(raw: Mapping[str, Any]) -> datetime | None:
    """Publication time in UTC, from `published`, else `updated`."""
    for key in ("published_parsed", "updated_parsed"):
        value = raw.get(key)
        if isinstance(value, time.struct_time):
            try:
                # feedparser's struct_time is already UTC.
                return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, OSError, ValueError):
                continue
    return None


def _clean_text(value: object) -> str | None:
    """A stripped string, or None when empty or not a string."""
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _short(text: str, limit: int = 200) -> str:
    """`text` cut to `limit` characters, for one-line error messages."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
