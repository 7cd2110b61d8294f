"""An archive whose files are partly unreadable: each feed file that does not parse or is too
large, and each page too large to read, is recorded per source with its reason and shown by
`newswatch feeds`; the readable ones are stored; a mended file is marked mended; and a huge
file is refused from its size, without being read."""

from __future__ import annotations

import re
import tracemalloc
from pathlib import Path

import duckdb
import pytest

from newswatch.pipeline import run_once
from newswatch.polling import poll_archive, read_bounded
from newswatch.settings import ArchiveSource, load_settings
from tests.newswatch.test_archive_containment import PAGE, _feed
from tests.newswatch.test_cli import newswatch

LIMIT = 100_000  # fetch.max_bytes in these tests


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    pages = root / "pages" / "news.example"
    pages.mkdir(parents=True)
    (pages / "good.html").write_text(PAGE.format(title="Good CSTO report", body="Report."))
    with (pages / "huge.html").open("wb") as handle:
        handle.truncate(200_000_000)  # sparse: 200 MB to stat, nothing on disk
    feeds = root / "feeds"
    feeds.mkdir()
    (feeds / "ok.xml").write_bytes(
        _feed("https://news.example/good.html", "https://news.example/huge.html")
    )
    (feeds / "broken.xml").write_bytes(b"<rss><channel><item><title>cut off")
    (feeds / "bloated.xml").write_bytes(_feed("https://news.example/x.html") + b" " * LIMIT)
    return root


def test_a_file_larger_than_the_limit_is_refused_without_being_read(archive: Path) -> None:
    huge = archive / "pages" / "news.example" / "huge.html"
    tracemalloc.start()
    with pytest.raises(ValueError, match="file too large: 200000000 bytes"):
        read_bounded(huge, LIMIT)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1_000_000
    assert read_bounded(archive / "feeds" / "ok.xml", LIMIT).startswith(b"<?xml")


def test_unreadable_feed_files_are_errors_of_the_source(archive: Path) -> None:
    source = ArchiveSource(kind="archive", name="a", path=archive)
    result = poll_archive(source, None, max_bytes=LIMIT)
    assert [i.url for i in result.items] == [
        "https://news.example/good.html",
        "https://news.example/huge.html",
    ]
    assert result.poll.ok
    files = {Path(r.url).name: r.reason for r in result.rejected if r.stage == "feed"}
    assert set(files) == {"broken.xml", "bloated.xml"}
    assert files["bloated.xml"].startswith("file too large")
    assert "broken.xml" in (result.poll.error or "")


@pytest.mark.e2e
def test_a_run_records_every_unreadable_file_and_feeds_shows_them(
    archive: Path, make_config, tmp_path: Path
) -> None:
    config = make_config(
        f"  - {{name: a, kind: archive, path: '{archive}'}}\n", f"fetch: {{max_bytes: {LIMIT}}}\n"
    )
    db = tmp_path / "nw.duckdb"
    summary = run_once(load_settings(config, db=db, env={}))
    assert summary.counts["stored"] == 1, summary
    with duckdb.connect(str(db), read_only=True) as con:
        errors = con.execute(
            "SELECT url, reason FROM fetch_errors WHERE source = 'a' ORDER BY url"
        ).fetchall()
        last_error = con.execute("SELECT last_error FROM sources WHERE name = 'a'").fetchone()
    by_file = {url.rsplit("/", 1)[-1]: reason for url, reason in errors}
    assert by_file["bloated.xml"].startswith("file too large")
    assert by_file["broken.xml"]  # the parser's reason
    assert by_file["huge.html"] == "file too large: 200000000 bytes (limit 100000)"
    assert last_error is not None and "broken.xml" in last_error[0]

    proc = newswatch("feeds", "--config", str(config), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    header = next(line for line in lines if "unreadable" in line).split("┃")
    column = next(i for i, cell in enumerate(header) if "unreadable" in cell)
    row = next(line for line in lines if re.match(r"\W*a\s*│", line)).split("│")
    assert row[column].strip() == "2", proc.stdout  # broken.xml and bloated.xml
    assert "broken.xml" in proc.stdout

    # Mend one file: its error is marked mended and the count drops.
    (archive / "feeds" / "broken.xml").write_bytes(_feed("https://news.example/good.html"))
    run_once(load_settings(config, db=db, env={}))
    with duckdb.connect(str(db), read_only=True) as con:
        open_files = con.execute(
            "SELECT url FROM fetch_errors WHERE stage = 'feed' AND resolved_at IS NULL"
        ).fetchall()
    assert [Path(u).name for (u,) in open_files] == ["bloated.xml"]
