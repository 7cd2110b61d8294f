"""RSS/Atom parsing: feed bytes in, clean deduplicated entries with absolute links out.

Why one module of this size: the hostile-XML screening (entity and DOCTYPE checks, the size
budget, the encoding sniff) runs before feedparser and the entry cleaning runs after it; both
halves answer to one function, `parse_feed`, and share its reasons for refusing a feed.
"""

from __future__ import annotations

import calendar
import codecs
import html
import io
import logging
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

import feedparser

from extractors.decode import BOMS

logger = logging.getLogger("newswatch.feeds")

# Far above any real feed; beyond this parsing costs more memory and time than the feed is worth.
MAX_FEED_BYTES = 20_000_000
_WEB_SCHEMES = frozenset({"http", "https"})
_HTML_MARKER = re.compile(rb"<!doctype\s+html|<html[\s>]", re.IGNORECASE)
# Control bytes other than tab/newline/carriage return never appear in a text feed.
_CONTROL_BYTES = frozenset({*range(0, 9), 11, 12, *range(14, 32)})
# Parse budget. feedparser costs ~50 µs per element, so a legal-sized feed of tiny elements could
# keep it busy for minutes; the document is cut before the item past MAX_ENTRIES or the tag past
# MAX_TAGS (CDATA not counted) and feedparser keeps the complete items before the cut.
MAX_ENTRIES = 2_000
MAX_TAGS = 50_000
_BUDGET_TOKEN = re.compile(
    rb"<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--.*?(?:-->|\Z)|<(?:[\w.-]+:)?(item|entry)[\s/>]|<", re.DOTALL
)
_ITEM_START = re.compile(rb"<(?:[\w.-]+:)?(?:item|entry)[\s/>]")
_FEED_ROOT = re.compile(rb"<([\w.-]+:)?(rss|RDF|feed)[\s>]")
# Bytes of the document start decoded and scanned for DTD tricks before feedparser sees them.
PROLOG_SCAN_BYTES = 65_536
REFUSED_ENTITIES = "refused: XML entity declarations (possible entity-expansion attack)"
REFUSED_EXTERNAL = "refused: external DTD or entity reference (SYSTEM/PUBLIC identifier)"
REFUSED_SUBSET = "refused: DOCTYPE internal subset (DTD declarations)"
REFUSED_DOCTYPE = "refused: unterminated or malformed DOCTYPE"
REFUSED_PROLOG = "refused: no root element in the first 64 KB (prolog too long to check)"
# DOCTYPEs let through: old RSS 0.91 feeds carry Netscape's/UserLand's PUBLIC DTD and HTML pages
# carry W3C ones. feedparser strips every DOCTYPE before parsing and never fetches a DTD (expat's
# external entities are off); tests/extractors/test_feed_corpus.py checks that no socket opens.
_KNOWN_PUBLIC_IDS = re.compile(
    r"-//(?:Netscape Communications|UserLand Software|Userland)//DTD RSS 0\.9[0-4]//EN"
    r"|-//W3C//DTD (?:X?HTML)\b[^\"']*",
    re.IGNORECASE,
)
_DOCTYPE = re.compile(
    r"""<!\s*DOCTYPE\s*(?P<name>[^\s\[>"']*)\s*
    (?:(?P<kind>PUBLIC|SYSTEM)\s*(?P<id1>"[^"]*"|'[^']*')?\s*(?P<id2>"[^"]*"|'[^']*')?\s*)?""",
    re.IGNORECASE | re.VERBOSE,
)
_ENTITY_DECL = re.compile(r"<!\s*ENTITY", re.IGNORECASE)
_ENCODING_DECL = re.compile(r"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']""")
# A root element start as feedparser's own prolog split sees it (ASCII word character).
_ROOT_START = re.compile(r"<[A-Za-z0-9_]")
_WIDE_ENCODINGS = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
_TAG = re.compile(r"<[A-Za-z/!?][^<>]*>")
_SPACES = re.compile(r"\s+")
_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Clock skew and sloppy time zones allowed for; later "publication" times are garbage.
_FUTURE_SLACK = timedelta(days=1)


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
    # (link or "", why) of each entry dropped for its link: file:, ftp:, data:, none at all.
    rejected: tuple[tuple[str, str], ...] = ()


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
    refusal = unsafe_xml_reason(data)
    if refusal is not None:
        logger.warning("feed %s %s", url, refusal)
        return FeedParseResult([], refusal)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return FeedParseResult([], "not a feed: JSON document (JSON Feed is not supported)")
    data, skipped = _within_budget(data, _encoding_of(data)[0])
    if skipped:
        logger.warning("feed %s: parse budget reached, %d items past the cut skipped", url, skipped)

    try:
        parsed = _feedparser(data)
    except UnicodeDecodeError:
        # feedparser decodes the declared encoding's name as strict UTF-8 and raises on stray
        # bytes there; the same document with invalid UTF-8 replaced gets a normal parse.
        parsed = _feedparser(data.decode("utf-8", "replace").encode())
    version = str(parsed.get("version") or "")
    raw_entries = parsed.get("entries") or []
    problem = _not_a_feed(data, version, raw_entries, parsed)
    if problem is not None:
        return FeedParseResult([], problem)
    if parsed.get("bozo"):
        logger.debug("feed %s is not well-formed, kept what parsed: %s", url, _bozo_reason(parsed))

    entries: list[FeedEntry] = []
    rejected: list[tuple[str, str]] = []
    seen: set[str] = set()
    dropped = skipped
    now = datetime.now(UTC)
    is_atom = version.startswith("atom")
    for raw in raw_entries:
        entry = _entry(raw, url, is_atom, now)
        if isinstance(entry, tuple):
            dropped += 1
            rejected.append(entry)
        elif entry.guid not in seen:
            seen.add(entry.guid)
            entries.append(entry)
    feed_info = parsed.get("feed") or {}
    if skipped and not raw_entries:
        return FeedParseResult([], "too much markup: parse budget spent before the first item")
    if parsed.get("bozo") and not entries:
        # Broken XML that yielded nothing usable is a broken feed, not a quiet one.
        return FeedParseResult(
            [], f"malformed XML: {_bozo_reason(parsed)}", None, dropped, tuple(rejected)
        )
    title = _plain_text(feed_info.get("title"), feed_info.get("title_detail"), collapse=True)
    return FeedParseResult(entries, None, title, dropped, tuple(rejected))


def _feedparser(data: bytes) -> Any:
    """feedparser's result for a document held in memory."""
    return feedparser.parse(
        # A BytesIO, never raw bytes or str: feedparser treats those as a file path or a URL.
        io.BytesIO(data),
        response_headers={
            # No content-location: feedparser leaves relative links relative and _web_link
            # resolves them, so a relative permalink guid stays recognisably relative.
            # Without a content type feedparser assumes ISO-8859-1 for undeclared UTF-8 feeds.
            "content-type": "application/xml",
        },
        # Its HTML sanitizer costs ~0.1 ms per tag of embedded HTML (minutes for a CDATA-heavy
        # 20 MB feed); titles and summaries are reduced to plain text by _plain_text instead.
        sanitize_html=False,
        resolve_relative_uris=False,
    )


def unsafe_xml_reason(data: bytes) -> str | None:
    """Why the document's prolog is refused (entity declarations, external DTDs), or None.

    Cheap: only the first PROLOG_SCAN_BYTES are decoded, in every encoding feedparser could
    read them in (BOM, UTF-16/32 byte patterns, the declared encoding, ASCII-compatible).
    """
    head = data[:PROLOG_SCAN_BYTES]
    encoding, declared = _encoding_of(head)
    views: dict[str, str] = {}
    for name in (encoding, declared, "latin-1"):
        if name and name not in views:
            try:
                views[name] = head.decode(name, errors="replace")
            except LookupError:
                continue
    root_found = False
    for text in views.values():
        reason, root = _prolog_reason(text.lstrip("\ufeff"))
        if reason is not None:
            return reason
        root_found = root_found or root
    if not root_found and len(data) > PROLOG_SCAN_BYTES:
        return REFUSED_PROLOG
    return None


def _encoding_of(head: bytes) -> tuple[str | None, str | None]:
    """(encoding from the BOM or byte pattern, encoding named in the XML declaration)."""
    encoding: str | None = None
    for bom, name in BOMS:
        if head.startswith(bom):
            encoding = name
            break
    else:
        if head[:4] == b"<\0\0\0":
            encoding = "utf-32-le"
        elif head[:4] == b"\0\0\0<":
            encoding = "utf-32-be"
        elif head[:2] in (b"<\0", b" \0", b"\n\0") and head[1:4:2] == b"\0\0":
            encoding = "utf-16-le"
        elif head[:2] in (b"\0<", b"\0 ", b"\0\n") and head[0:3:2] == b"\0\0":
            encoding = "utf-16-be"
    text = head[:1024].decode(encoding or "latin-1", errors="replace")
    match = _ENCODING_DECL.search(text)
    declared = match.group(1).lower() if match else None
    if declared is not None:
        try:
            declared = codecs.lookup(declared).name
        except LookupError:
            declared = None
    return encoding, declared


def _prolog_reason(text: str) -> tuple[str | None, bool]:
    """(refusal reason, whether a root element start was reached) for one decoded view."""
    pos = 0
    while True:
        lt = text.find("<", pos)
        if lt < 0:
            return None, False
        if text.startswith("<?", lt):
            end = text.find("?>", lt + 2)
        elif text.startswith("<!--", lt):
            end = text.find("-->", lt + 4)
        elif _ENTITY_DECL.match(text, lt):
            return REFUSED_ENTITIES, False
        elif (doctype := _DOCTYPE.match(text, lt)) is not None:
            reason, end = _doctype_reason(text, doctype)
            if reason is not None:
                return reason, False
        elif _ROOT_START.match(text, lt):
            return None, True
        else:
            end = lt  # stray "<": keep scanning, as feedparser's prolog split does
        if end < 0:
            return None, False
        pos = end + 1


def _doctype_reason(text: str, doctype: re.Match[str]) -> tuple[str | None, int]:
    """(refusal reason or None, index of the closing ">") for a DOCTYPE declaration."""
    rest = doctype.end()
    if text.startswith("[", rest):
        subset_end = text.find("]", rest)
        subset = text[rest + 1 : subset_end if subset_end >= 0 else len(text)]
        if _ENTITY_DECL.search(subset):
            if re.search(r"\b(?:SYSTEM|PUBLIC)\b", subset, re.IGNORECASE):
                return REFUSED_EXTERNAL, -1
            return REFUSED_ENTITIES, -1
        if "%" in subset:
            return REFUSED_EXTERNAL, -1  # parameter entity reference
        if subset.strip() or subset_end < 0:
            return REFUSED_SUBSET, -1
        close = re.compile(r"\s*>").match(text, subset_end + 1)
        if close is None:
            return REFUSED_DOCTYPE, -1
        rest = close.end() - 1
    elif not text.startswith(">", rest):
        return REFUSED_DOCTYPE, -1
    kind = (doctype.group("kind") or "").upper()
    public_id = (doctype.group("id1") or '""')[1:-1].strip()
    if kind == "SYSTEM" and public_id.lower() != "about:legacy-compat":
        return REFUSED_EXTERNAL, -1
    if kind == "PUBLIC" and not _KNOWN_PUBLIC_IDS.fullmatch(public_id):
        return REFUSED_EXTERNAL, -1
    return None, rest


def _within_budget(data: bytes, encoding: str | None) -> tuple[bytes, int]:
    """`data` cut to the items before the one past MAX_ENTRIES or holding the tag past MAX_TAGS.

    Returns the document and how many items were cut off. A cut at an item boundary of an
    ASCII-compatible document gets its root closed again, so feedparser's strict parser accepts
    it (a malformed document is parsed twice: strict, then loose).
    """
    if data.count(b"<") <= MAX_TAGS and len(_ITEM_START.findall(data)) <= MAX_ENTRIES:
        return data, 0
    tags = items = 0
    last_item = -1
    for match in _BUDGET_TOKEN.finditer(data):
        if match.group(0).startswith((b"<![CDATA[", b"<!--")):
            continue
        tags += 1
        if match.group(1) is not None:
            items += 1
            last_item = match.start()
        if tags > MAX_TAGS or items > MAX_ENTRIES:
            break
    else:
        return data, 0
    cut = last_item if last_item > 0 else match.start()
    skipped = len(_ITEM_START.findall(data, cut))
    if encoding in _WIDE_ENCODINGS:
        unit = 4 if encoding.startswith("utf-32") else 2
        return data[: cut - cut % unit], skipped
    return data[:cut] + (_closing_tags(data) if cut == last_item else b""), skipped


def _closing_tags(data: bytes) -> bytes:
    """End tags closing the root (and RSS channel) around a feed's items."""
    root = _FEED_ROOT.search(data, 0, PROLOG_SCAN_BYTES)
    if root is None:
        return b""
    prefix, name = root.group(1) or b"", root.group(2)
    if name == b"rss":
        return b"</" + prefix + b"channel></" + prefix + b"rss>"
    return b"</" + prefix + name + b">"


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


def _entry(
    raw: Mapping[str, Any], feed_url: str, is_atom: bool, now: datetime
) -> FeedEntry | tuple[str, str]:
    """One FeedEntry from a feedparser entry, or (its link, why it is not fetched)."""
    link = _web_link(raw, feed_url, is_atom)
    if isinstance(link, tuple):
        return link
    title = _plain_text(raw.get("title"), raw.get("title_detail"), collapse=True)
    summary = _plain_text(raw.get("summary"), raw.get("summary_detail"))
    # Every kept entry has a link, so the id-less case never needs a content hash.
    guid = _clean_text(raw.get("id")) or link
    return FeedEntry(guid, link, title, _published(raw, now), summary)


def _web_link(raw: Mapping[str, Any], feed_url: str, is_atom: bool) -> str | tuple[str, str]:
    """The entry's first absolute http(s) link, else (its first link, why it is refused)."""
    refused: tuple[str, str] | None = None
    for candidate, from_guid in _link_candidates(raw, is_atom):
        text = candidate.strip()
        try:
            # feedparser already resolved xml:base; joining again covers links it left relative.
            absolute = text if from_guid else urljoin(feed_url, text)
            parts = urlsplit(absolute)
            scheme = parts.scheme.lower()
            if scheme in _WEB_SCHEMES and parts.hostname:
                return absolute
            # A link with a scheme of its own is reported as written (urljoin mangles file:).
            shown = text if urlsplit(text).scheme else absolute
        except ValueError:
            refused = refused or (_short(text, 300), "link is not a valid URL")
            continue
        if refused is None and scheme not in _WEB_SCHEMES:
            reason = f"link scheme {scheme}: is never fetched (http and https only)"
            refused = (_short(shown, 300), reason)
        refused = refused or (_short(shown, 300), "link has no host")
    return refused or ("", "entry has no link")


def _link_candidates(raw: Mapping[str, Any], is_atom: bool) -> Iterator[tuple[str, bool]]:
    """(href, came from the guid): rel=alternate links, HTML ones first, then `link`.

    self, enclosure, related and other rels are never the article. feedparser copies a
    permalink guid into `link`; RSS allows that, Atom ids are identifiers, not addresses.
    """
    alternates: list[tuple[bool, str]] = []
    for item in raw.get("links") or []:
        if not isinstance(item, Mapping):
            continue
        href, rel, kind = item.get("href"), item.get("rel") or "alternate", item.get("type")
        if isinstance(href, str) and href.strip() and rel == "alternate":
            alternates.append((kind not in (None, "", "text/html", "application/xhtml+xml"), href))
    alternates.sort(key=lambda pair: pair[0])  # stable: HTML first, document order kept
    for _, href in alternates:
        yield href, False
    link = raw.get("link")
    if isinstance(link, str) and link.strip() and all(link != href for _, href in alternates):
        if not raw.get("guidislink"):
            yield link, False
        elif not is_atom:
            yield link, True


def _published(raw: Mapping[str, Any], now: datetime) -> datetime | None:
    """Publication time in UTC, from `published`, else `updated`; None when implausible.

    feedparser rolls impossible ISO dates over ("2022-13-45" becomes 2023-01-01): those, times
    before 1970-01-01T00:00:01 (default values) and times over a day ahead are discarded.
    """
    for key in ("published", "updated"):
        value = raw.get(f"{key}_parsed")
        if not isinstance(value, time.struct_time) or not _valid_iso(raw.get(key)):
            continue
        try:
            # feedparser's struct_time is already UTC.
            moment = datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
        except (OverflowError, OSError, ValueError):
            continue
        if _EPOCH < moment <= now + _FUTURE_SLACK:
            return moment
    return None


def _valid_iso(text: object) -> bool:
    """False for an ISO-8601-looking date whose fields are out of range, else True."""
    match = _ISO_DATE.match(text) if isinstance(text, str) else None
    if match is None:
        return True
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        datetime(year, month, day)
    except ValueError:
        return False
    return hour <= 23 and minute <= 59 and second <= 60


def _plain_text(value: object, detail: object = None, *, collapse: bool = False) -> str | None:
    """Feed text as plain text: tags removed, HTML entities decoded for HTML content."""
    text = _clean_text(value)
    if text is None:
        return None
    if "<" in text:
        text = _TAG.sub(" ", text)
    kind = detail.get("type") if isinstance(detail, Mapping) else None
    if kind in ("text/html", "application/xhtml+xml") and "&" in text:
        text = html.unescape(text)
    if collapse:
        text = _SPACES.sub(" ", text)
    return text.strip() or None


def _clean_text(value: object) -> str | None:
    """A stripped string, or None when empty or not a string."""
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _short(text: str, limit: int = 200) -> str:
    """`text` cut to `limit` characters, for one-line error messages."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
