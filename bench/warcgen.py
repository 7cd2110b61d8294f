"""WARC and WACZ files written with warcio, for tests and the scan bench.

`sample_records` turns the pages of the sample corpus (samples/csto-2022) into HTTP response
records at their own URLs, crawled a day after publication; `write_warc` writes any records,
with the awkward kinds real crawls contain (revisits, truncated records, request records, PDFs);
`write_wacz` packages WARCs with a page index as Browsertrix does.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "csto-2022"


@dataclass(frozen=True)
class Rec:
    """One record to write."""

    uri: str
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    when: datetime = datetime(2022, 1, 15, tzinfo=UTC)
    kind: str = "response"  # response | revisit | request | resource
    status: int = 200
    extra: dict[str, str] = field(default_factory=dict)  # more WARC headers


def _warc_date(when: datetime) -> str:
    """A WARC-Date value."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_warc(path: Path, records: Iterable[Rec], *, gzip: bool = True) -> Path:
    """Write the records (each gzip member one record when gzip) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        for r in records:
            headers = {"WARC-Date": _warc_date(r.when), **r.extra}
            if r.kind == "request":
                http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True)
                rec = writer.create_warc_record(
                    r.uri, "request", http_headers=http, warc_headers_dict=headers
                )
            elif r.kind == "revisit":
                rec = writer.create_revisit_record(
                    r.uri,
                    digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                    refers_to_uri=r.uri,
                    refers_to_date=_warc_date(r.when - timedelta(days=1)),
                    warc_headers_dict=headers,
                )
            else:
                fields = [("Content-Type", r.content_type)] if r.content_type else []
                http = StatusAndHeaders(f"{r.status} OK", fields, protocol="HTTP/1.1")
                rec = writer.create_warc_record(
                    r.uri,
                    r.kind,
                    payload=io.BytesIO(r.body),
                    http_headers=http,
                    warc_headers_dict=headers,
                )
            writer.write_record(rec)
    return path


def write_wacz(path: Path, warcs: Sequence[Path], pages: Sequence[str]) -> Path:
    """A WACZ package: the WARCs under archive/ (stored, as they are gzip already) and a
    page index of these URLs."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        for w in warcs:
            zf.write(w, f"archive/{w.name}")
        index = [{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}]
        index += [
            {"id": f"p{i}", "url": u, "ts": "2022-01-15T00:00:00Z"} for i, u in enumerate(pages)
        ]
        zf.writestr("pages/pages.jsonl", "\n".join(json.dumps(row) for row in index) + "\n")
        zf.writestr(
            "datapackage.json",
            json.dumps({"profile": "data-package", "wacz_version": "1.1.1", "resources": []}),
        )
    return path


def sample_pages() -> list[tuple[dict, Path]]:
    """Each sample article with its rendered page file."""
    articles = yaml.safe_load((SAMPLE / "articles.yaml").read_text(encoding="utf-8"))
    out = []
    for a in articles:
        host, _, rest = a["url"].removeprefix("https://").partition("/")
        page = SAMPLE / "pages" / host / rest
        if page.is_file():
            out.append((a, page))
    return out


def sample_records(crawl_delay: timedelta = timedelta(days=1)) -> list[Rec]:
    """A response record per sample page at its URL, crawled `crawl_delay` after it was
    published."""
    out = []
    for a, page in sample_pages():
        published = datetime.fromisoformat(a["published"])
        out.append(Rec(a["url"], page.read_bytes(), when=published + crawl_delay))
    return out
