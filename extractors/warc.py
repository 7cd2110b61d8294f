"""Pages out of web archives: WARC files (plain or gzip, as Common Crawl, Browsertrix, pywb
and `wget --warc-file` write them) and WACZ packages, read with FastWARC.

`scan` streams one WARC from a byte offset and sorts every record: HTML responses that the
caller's selection keeps come out as `ArchivedPage`s with their target URI, WARC-Date, HTTP
status and Content-Type; everything else is only counted (revisits, non-HTML, truncated,
errors, out of window, off topic). Records are never held beyond the one being looked at, and
every yielded page says where the next record starts, so a scan can be resumed there.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from fastwarc.warc import ArchiveIterator, WarcRecordType

from common.keys import to_utc_naive

HTML_TYPES = ("text/html", "application/xhtml+xml")
# Records larger than this are counted as too large, never read (a hostile or broken archive).
MAX_PAYLOAD = 8 * 1024 * 1024
# A WACZ page index: which of its responses are pages a person (or crawler seed) visited.
_WACZ_PAGES = ("pages/pages.jsonl", "pages/extraPages.jsonl")


@dataclass(frozen=True)
class ArchivedPage:
    """One selected HTML response of an archive."""

    uri: str
    warc_date: datetime | None  # naive UTC: when it was crawled
    status: int | None
    content_type: str | None  # the HTTP header, charset included
    body: bytes
    offset: int  # where its record starts in the (compressed) file
    next_offset: int  # where the next record starts: resume here once this page is loaded


@dataclass
class ScanCounts:
    """What a scan saw, by what it did with each record."""

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, what: str, n: int = 1) -> None:
        """Count n records as `what`."""
        self.counts[what] += n


@dataclass(frozen=True)
class Selection:
    """Which HTML responses to yield: crawled since a time, raw bytes passing a test, URIs
    in a page index (WACZ)."""

    crawled_since: datetime | None = None  # naive UTC; a page crawled earlier is older news
    raw_test: Callable[[bytes], bool] | None = None  # on the raw payload
    uris: frozenset[str] | None = None
    # crawled_since as WARC-Date text to compare with ("" when open).
    since_text: str = field(init=False, default="")

    def __post_init__(self) -> None:
        if self.crawled_since is not None:
            text = self.crawled_since.strftime("%Y-%m-%dT%H:%M:%S")
            object.__setattr__(self, "since_text", text)


def scan(
    stream: IO[bytes],
    counts: ScanCounts,
    selection: Selection = Selection(),
    start: int = 0,
    on_progress: Callable[[], None] | None = None,
    every: int = 1000,
) -> Iterator[ArchivedPage]:
    """The selected HTML pages of one WARC stream, from byte offset `start` (a record start);
    every record is counted in `counts`, and `on_progress` is called every `every` records.
    A stream that ends inside a record, or a record that cannot be parsed, ends the scan
    with an "unreadable" count: what came before stands."""
    stream.seek(start)
    wanted = WarcRecordType.response | WarcRecordType.revisit | WarcRecordType.resource
    records = ArchiveIterator(stream, record_types=wanted, parse_http=True)
    pending: ArchivedPage | None = None
    last = start
    tally = counts.counts
    seen = 0
    try:
        for record in records:
            pos = int(record.stream_pos)  # absolute, even after a seek
            last = pos
            if pending is not None:
                yield _with_next(pending, pos)
                pending = None
            tally["records"] += 1
            pending = _select(record, pos, counts, selection)
            seen += 1
            if on_progress is not None and seen % every == 0:
                on_progress()
    except OSError:
        counts.add("unreadable")
    # FastWARC stops quietly at a record cut short (a crawl still writing, a broken copy):
    # the scan ends where the complete records end, so a later scan can go on from there.
    end, size = _complete_end(stream, last)
    if end < size:
        counts.add("unreadable")
    if pending is not None:
        yield _with_next(pending, end)


_TAIL_LIMIT = 64 * 1024 * 1024


def _complete_end(stream: IO[bytes], last: int) -> tuple[int, int]:
    """Where the complete records end, and the stream's length, checking the stream from the
    last record seen: each gzip member must be whole, a plain WARC must end with a record's
    blank line."""
    size = _end(stream)
    if size - last > _TAIL_LIMIT:
        return size, size  # a last record this large is not read again; FastWARC took it whole
    stream.seek(last)
    data = stream.read()
    if not data.startswith(b"\x1f\x8b"):
        return (size if data.endswith(b"\r\n\r\n") or not data else last), size
    pos = last
    while data:
        member = zlib.decompressobj(wbits=31)
        try:
            member.decompress(data)
        except zlib.error:
            return pos, size
        if not member.eof:
            return pos, size
        pos += len(data) - len(member.unused_data)
        data = member.unused_data
    return pos, size


def _end(stream: IO[bytes]) -> int:
    """The stream's length: where reading would resume after its last record."""
    here = stream.tell()
    size = stream.seek(0, io.SEEK_END)
    stream.seek(here)
    return size


def _with_next(page: ArchivedPage, next_offset: int) -> ArchivedPage:
    """The page with where its following record starts."""
    return replace(page, next_offset=next_offset)


def _select(
    record: object, pos: int, counts: ScanCounts, selection: Selection
) -> ArchivedPage | None:
    """The record as a page if the selection keeps it, else None (counted either way). The
    cheap header tests come first; the payload is read only for a page that passes them."""
    rec: Any = record
    tally = counts.counts
    if rec.record_type == WarcRecordType.revisit:
        tally["revisit"] += 1
        return None
    if not rec.is_http:
        tally["not_http"] += 1
        return None
    # FastWARC's own parse of the media type (lower case, no parameters): no header lookup.
    media = rec.http_content_type
    if media and media not in HTML_TYPES:
        tally["not_html"] += 1
        return None
    http = rec.http_headers
    status = http.status_code
    if status is not None and not 200 <= status < 300:
        tally["not_ok"] += 1
        return None
    headers = rec.headers
    uri = ""
    if selection.uris is not None:
        uri = headers.get("WARC-Target-URI") or ""
        if uri not in selection.uris:
            tally["not_a_page"] += 1
            return None
    # WARC-Date is UTC in ISO form, so the window test compares text; parsing waits.
    if selection.since_text:
        stamp = headers.get("WARC-Date") or ""
        if stamp and stamp[:19] < selection.since_text:
            tally["before_window"] += 1
            return None
    length = int(rec.content_length)
    if length > MAX_PAYLOAD:
        tally["too_large"] += 1
        return None
    # Sized: FastWARC's unsized read() grows its buffer in steps (about twice the time).
    body = rec.reader.read(length)
    if selection.raw_test is not None and not selection.raw_test(body):
        tally["off_topic"] += 1
        return None
    # Rare, so looked up only for a page that would be kept.
    if headers.get("WARC-Truncated"):
        tally["truncated"] += 1
        return None
    tally["selected"] += 1
    uri = uri or headers.get("WARC-Target-URI") or ""
    content_type = http.get("Content-Type")
    return ArchivedPage(uri, to_utc_naive(rec.record_date), status, content_type, body, pos, pos)


# --------------------------------------------------------------------------------------------
# WACZ packages
# --------------------------------------------------------------------------------------------


def wacz_members(path: Path) -> list[str]:
    """The WARC files inside a WACZ package (its archive/ folder), in name order."""
    with zipfile.ZipFile(path) as zf:
        return sorted(
            n for n in zf.namelist() if n.startswith("archive/") and ".warc" in n.rsplit("/", 1)[-1]
        )


def wacz_pages(path: Path) -> frozenset[str] | None:
    """The URLs of a WACZ's page index, or None when it has none (then every HTML response
    counts as a page)."""
    urls: set[str] = set()
    found = False
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        for index in _WACZ_PAGES:
            if index not in names:
                continue
            found = True
            with zf.open(index) as fh:
                for line in io.TextIOWrapper(fh, encoding="utf-8", errors="replace"):
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError:
                        continue
                    if isinstance(row, dict) and isinstance(row.get("url"), str):
                        urls.add(row["url"])
    return frozenset(urls) if found else None


def open_member(path: Path, member: str | None) -> IO[bytes]:
    """A seekable byte stream of a WARC file, or of one WARC inside a WACZ package. WACZ
    stores its WARCs uncompressed in the zip (they are gzip already), so seeking stays cheap."""
    if member is None:
        return path.open("rb")
    zf = zipfile.ZipFile(path)
    return _ZipMember(zf, zf.open(member))


class _ZipMember(io.BufferedReader):
    """A zip member that closes its archive with it."""

    def __init__(self, zf: zipfile.ZipFile, raw: IO[bytes]) -> None:
        super().__init__(raw)  # type: ignore[arg-type]
        self._zf = zf

    def close(self) -> None:
        """Close the member, then the package."""
        super().close()
        self._zf.close()
