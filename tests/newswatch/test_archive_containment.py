"""An archive source reads only files inside its folder: feed files or pages that are symlinks
out of it, link loops and FIFOs are refused and recorded, and what they hold never lands."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from bench.rss import FeedItem, rss
from newswatch.pipeline import run_once
from newswatch.polling import poll_archive
from newswatch.settings import ArchiveSource, load_settings
from newswatch.steps import archive_page

SECRET = "SECRETMARK"
PAGE = (
    "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    + "".join(
        f"<p>{{body}} Paragraph {n}: the Collective Security Treaty Organization sent troops to"
        f" Kazakhstan in January 2022 after unrest in Almaty; update number {n} of the day"
        f" adds that Kassym-Jomart Tokayev asked for help on day {n + 4}.</p>"
        for n in range(8)
    )
    + "</article></body></html>"
)


def _feed(*urls: str) -> bytes:
    from datetime import UTC, datetime

    when = datetime(2022, 1, 7, 10, tzinfo=UTC)
    return rss([FeedItem(f"CSTO item {i}", u, when) for i, u in enumerate(urls)], title="t")


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.html").write_text(PAGE.format(title="Secret", body=SECRET))
    (outside / "feed.xml").write_bytes(_feed("https://evil.example/stolen.html"))
    root = tmp_path / "archive"
    pages = root / "pages" / "news.example"
    pages.mkdir(parents=True)
    (pages / "good.html").write_text(PAGE.format(title="Good CSTO report", body="Report."))
    os.symlink(outside / "secret.html", pages / "linked.html")
    feeds = root / "feeds"
    feeds.mkdir()
    (feeds / "ok.xml").write_bytes(
        _feed("https://news.example/good.html", "https://news.example/linked.html")
    )
    os.symlink(outside / "feed.xml", feeds / "evil.xml")
    os.symlink(feeds / "loop.xml", feeds / "loop.xml")
    os.mkfifo(feeds / "fifo.xml")
    return root


def test_feed_files_outside_the_archive_are_refused_and_recorded(archive: Path) -> None:
    result = poll_archive(ArchiveSource(kind="archive", name="a", path=archive), None)
    assert [i.url for i in result.items] == [
        "https://news.example/good.html",
        "https://news.example/linked.html",
    ]
    reason = result.poll.error or ""  # kept on the source: `newswatch feeds` shows it
    assert "evil.xml: refused: it links outside the archive" in reason
    assert "loop.xml: refused" in reason and "fifo.xml: refused: not a regular file" in reason


def test_pages_that_link_outside_are_not_archive_pages(archive: Path) -> None:
    source = ArchiveSource(kind="archive", name="a", path=archive)
    assert archive_page(source, "https://news.example/good.html") is not None
    assert archive_page(source, "https://news.example/linked.html") is None
    assert archive_page(source, "https://news.example/../../outside/secret.html") is None
    assert archive_page(source, (archive.parent / "outside" / "secret.html").as_uri()) is None


@pytest.mark.e2e
def test_a_run_stores_the_good_page_and_nothing_from_outside(archive, make_config, tmp_path):
    config = make_config(f"  - {{name: a, kind: archive, path: '{archive}'}}\n")
    settings = load_settings(config, db=tmp_path / "nw.duckdb", env={})
    summary = run_once(settings)
    assert summary.counts["stored"] == 1, summary
    with duckdb.connect(str(tmp_path / "nw.duckdb"), read_only=True) as con:
        texts = [r[0] for r in con.execute("SELECT text FROM articles").fetchall()]
        failed = con.execute(
            "SELECT reason FROM seen_items WHERE url LIKE '%linked.html'"
        ).fetchall()
    assert not any(SECRET in t for t in texts)
    assert failed == [("not in archive",)]
