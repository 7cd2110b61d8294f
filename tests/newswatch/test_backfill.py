"""Backfills from web archives into a real DuckDB warehouse, through the real cleaner, story
step and spaCy model: what is stored, which date counts, resuming a file whose process died,
re-runs that change nothing, and files that cannot be read.

The archives are WARC/WACZ files written by warcio from the sample corpus's pages."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.warcgen import Rec, sample_pages, sample_records, write_wacz, write_warc
from extractors.entities import EntityExtractor
from newswatch.backfill import archive_files, backfill
from newswatch.cli import app
from newswatch.settings import Settings, load_settings
from newswatch.stages import Window
from newswatch.steps import entity_extractor
from samples.build import labels
from warehouse.store import Warehouse

SAMPLE = labels()
RUSSIAN_PAGE = (
    "https://stepnoy-vestnik.example/politika/2022/01/06/tokaev-prosit-odkb-o-pomoshchi.html"
)
LATE_CRAWL = datetime(2022, 3, 1, 12, 0, tzinfo=UTC)


def settings_for(tmp_path: Path) -> Settings:
    return load_settings(env={}, db=tmp_path / "w.duckdb")


def awkward_records() -> list[Rec]:
    """The sample pages with one crawled weeks late, plus a Windows-1251 copy of a Russian
    page whose charset only the HTTP header names, and the odd records of a real crawl."""
    records = sample_records()
    late = next(i for i, r in enumerate(records) if "death-toll-225" in r.uri)
    records[late] = dataclasses.replace(records[late], when=LATE_CRAWL)
    russian = next(r for r in records if r.uri == RUSSIAN_PAGE)
    html = russian.body.decode("utf-8").replace('<meta charset="utf-8">', "")
    records.append(
        Rec(
            "https://legacy-portal.example/news/odkb.html",
            html.replace("stepnoy-vestnik.example", "legacy-portal.example").encode("cp1251"),
            "text/html; charset=windows-1251",
            russian.when,
        )
    )
    when = datetime(2022, 1, 9, tzinfo=UTC)
    records += [
        Rec("https://a.example/seen", kind="revisit", when=when),
        Rec("https://a.example/brief.pdf", b"%PDF-1.7", "application/pdf", when),
        Rec("https://a.example/cut", records[0].body, when=when, extra={"WARC-Truncated": "time"}),
    ]
    return records


@pytest.fixture(scope="module")
def extractor() -> EntityExtractor:
    return entity_extractor(load_settings(env={}))


def table(db: Path, sql: str) -> list[tuple]:
    with Warehouse(db, read_only=True) as wh:
        return wh.conn.execute(sql).fetchall()


def test_a_crawl_is_stored_with_article_dates_and_header_charsets(tmp_path, extractor):
    settings = settings_for(tmp_path)
    warc = write_warc(tmp_path / "crawl.warc.gz", awkward_records())
    [result] = backfill(settings, archive_files([warc], "cc-news"), extractor=extractor)
    assert result.status == "done"
    c = result.counts
    assert (c["revisit"], c["not_html"], c["truncated"]) == (1, 1, 1)
    assert c["selected"] == len(sample_pages()) + 1
    assert result.stored == SAMPLE.on_topic + 1  # the Windows-1251 copy too
    db = settings.db_path
    [(text,)] = table(db, "SELECT text FROM articles WHERE url LIKE '%legacy-portal%'")
    assert "Касым-Жомарт Токаев" in text and "коллективной безопасности" in text
    assert "Ð" not in text and "\ufffd" not in text  # no mojibake, no replaced bytes
    # Crawled on 1 March, written on 16 January: the article's date counts, both are kept.
    [(published, fetched)] = table(
        db, "SELECT published, fetched_at FROM articles WHERE url LIKE '%death-toll-225%'"
    )
    assert published.date().isoformat() == "2022-01-16"
    assert fetched == LATE_CRAWL.replace(tzinfo=None)
    days = {d for (d,) in table(db, "SELECT DISTINCT day FROM entity_days")}
    assert all(d.isoformat() < "2022-03-01" for d in days)
    assert table(db, "SELECT DISTINCT source FROM articles") == [("cc-news",)]


def test_a_file_whose_process_died_resumes_and_nothing_is_stored_twice(tmp_path, extractor):
    settings = settings_for(tmp_path)
    warc = write_warc(tmp_path / "crawl.warc.gz", sample_records())
    files = archive_files([warc], "warc")

    class DiesOnSecondChunk(EntityExtractor):
        calls = 0

        def extract(self, texts, languages=None):
            DiesOnSecondChunk.calls += 1
            if DiesOnSecondChunk.calls == 2:
                raise KeyboardInterrupt  # as a killed worker: nothing after this runs
            return extractor.extract(texts, languages)

    dying = DiesOnSecondChunk(settings.nlp, [])
    with pytest.raises(KeyboardInterrupt):
        backfill(settings, files, chunk_pages=6, extractor=dying)
    [(status, offset, stored)] = table(
        settings.db_path, "SELECT status, next_offset, stored FROM warc_files"
    )
    assert status == "running" and 0 < offset < warc.stat().st_size and stored > 0
    first = table(settings.db_path, "SELECT count(*) FROM articles")[0][0]
    assert first == stored

    [result] = backfill(settings, files, chunk_pages=6, extractor=extractor)
    assert result.status == "done"
    assert result.counts["records"] == len(sample_pages())  # each record counted once
    assert result.stored == SAMPLE.on_topic
    once = tmp_path / "once"
    once.mkdir()
    clean = settings_for(once)
    backfill(clean, files, chunk_pages=6, extractor=extractor)
    query = "SELECT article_key, story_key, published FROM articles ORDER BY 1"
    assert table(settings.db_path, query) == table(clean.db_path, query)
    mentions = "SELECT article_key, entity_id, count FROM mentions ORDER BY 1, 2"
    assert table(settings.db_path, mentions) == table(clean.db_path, mentions)


def test_rerunning_a_window_changes_nothing_and_a_wider_one_adds_only_the_rest(tmp_path, extractor):
    settings = settings_for(tmp_path)
    warc = write_warc(tmp_path / "crawl.warc.gz", sample_records())
    files = archive_files([warc], "warc")
    window = Window(datetime(2022, 1, 6).date(), datetime(2022, 1, 9).date())
    [first] = backfill(settings, files, window, extractor=extractor)
    stored = table(settings.db_path, "SELECT article_key, published FROM articles ORDER BY 1")
    assert first.stored == len(stored) > 0
    assert all("2022-01-06" <= str(p)[:10] < "2022-01-09" for _, p in stored)
    [again] = backfill(settings, files, window, extractor=extractor)
    assert again.status == "skipped"
    [wider] = backfill(settings, files, extractor=extractor)
    assert wider.stored == SAMPLE.on_topic - len(stored)
    total = table(settings.db_path, "SELECT count(*), count(DISTINCT url) FROM articles")
    assert total == [(SAMPLE.on_topic, SAMPLE.on_topic)]


def test_unreadable_files_are_recorded_and_the_others_still_load(tmp_path, extractor):
    settings = settings_for(tmp_path)
    good = write_warc(tmp_path / "good.warc.gz", sample_records()[:6])
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(b"this is not a web archive\n" * 100)
    bad_wacz = tmp_path / "broken.wacz"
    bad_wacz.write_bytes(b"PK not really a zip")
    results = backfill(settings, archive_files([bad_wacz, junk, good], "warc"), extractor=extractor)
    assert [r.status for r in results] == ["failed", "failed", "done"]
    assert "not a WACZ package" in (results[0].error or "")
    results = results[1:]
    assert "no WARC record" in (results[0].error or "")
    rows = table(settings.db_path, "SELECT path, status, error FROM warc_files ORDER BY path")
    assert [(Path(p).name, s) for p, s, _ in rows] == [
        ("broken.wacz", "failed"),
        ("good.warc.gz", "done"),
        ("junk.warc.gz", "failed"),
    ]
    assert table(settings.db_path, "SELECT count(*) FROM articles")[0][0] == results[1].stored > 0
    with pytest.raises(FileNotFoundError, match="no archive file matches"):
        archive_files([tmp_path / "missing-*.warc.gz"], "warc")


def test_a_wacz_backfills_only_its_indexed_pages(tmp_path, extractor):
    settings = settings_for(tmp_path)
    records = sample_records()
    warc = write_warc(tmp_path / "data.warc.gz", records)
    listed = [r.uri for r in records if "steppe-herald" in r.uri]
    wacz = write_wacz(tmp_path / "crawl.wacz", [warc], listed)
    [result] = backfill(settings, archive_files([wacz], "browsertrix"), extractor=extractor)
    assert result.key.endswith("crawl.wacz!archive/data.warc.gz")
    assert result.counts["selected"] == len(listed)
    urls = {u for (u,) in table(settings.db_path, "SELECT url FROM articles")}
    assert urls and urls <= set(listed)


def test_the_command_backfills_with_a_window_and_feeds_lists_the_file(tmp_path):
    warc = write_warc(tmp_path / "crawl.warc.gz", sample_records())
    db = tmp_path / "w.duckdb"
    runner = CliRunner(env={"COLUMNS": "240"})
    out = runner.invoke(
        app,
        ["backfill", str(warc), "--since", "2022-01-06", "--until", "2022-01-09", "--db", str(db)],
    )
    assert out.exit_code == 0, out.output
    assert "done" in out.output
    feeds = runner.invoke(app, ["feeds", "--db", str(db)])
    assert feeds.exit_code == 0, feeds.output
    assert "Web-archive files" in feeds.output and "2022-01-06..2022-01-09" in feeds.output
    bad = runner.invoke(app, ["backfill", "--since", "6 Jan", str(warc), "--db", str(db)])
    assert bad.exit_code == 2


def test_a_live_run_leaves_warc_sources_to_the_backfill(tmp_path, make_config):
    from newswatch.pipeline import run_once

    warc = write_warc(tmp_path / "crawl.warc.gz", sample_records()[:3])
    config = make_config(f"  - {{name: cc, kind: warc, path: '{warc}'}}\n")
    settings = load_settings(config, db=tmp_path / "w.duckdb", env={})
    assert [s.name for s in settings.sources] == ["cc"] and settings.polled_sources == []
    summary = run_once(settings)
    assert summary.counts.get("sources_polled", 0) == 0
    assert table(settings.db_path, "SELECT count(*) FROM articles") == [(0,)]
