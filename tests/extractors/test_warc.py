"""Reading web archives: what a scan yields and counts, resuming at an offset, WACZ packages,
and the raw topic test that lets a scan skip pages without decoding them.

The archives are real WARC/WACZ files written by warcio from the sample corpus's pages."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from bench.warcgen import SAMPLE, Rec, sample_pages, sample_records, write_wacz, write_warc
from extractors.literals import available
from extractors.relevance import RawTest, TopicQuery
from extractors.warc import ScanCounts, Selection, open_member, scan, wacz_members, wacz_pages

CSTO = TopicQuery.parse(
    yaml.safe_load((SAMPLE.parents[1] / "config/topics/csto.yaml").read_text())["query"]
)
HTML = b"<html><head><title>t</title></head><body><p>CSTO troops in Kazakhstan.</p></body></html>"


def odd_records() -> list[Rec]:
    """One of each record kind a real crawl holds besides plain HTML pages."""
    when = datetime(2022, 1, 10, tzinfo=UTC)
    return [
        Rec("https://a.example/req", kind="request", when=when),
        Rec("https://a.example/seen-before", kind="revisit", when=when),
        Rec("https://a.example/report.pdf", b"%PDF-1.7 ...", "application/pdf", when),
        Rec("https://a.example/cut", HTML, when=when, extra={"WARC-Truncated": "length"}),
        Rec("https://a.example/moved", b"", "text/html", when, status=301),
        Rec("https://a.example/old", HTML, when=datetime(2021, 12, 1, tzinfo=UTC)),
        Rec("https://a.example/football", b"<p>The derby ended 2-2.</p>", when=when),
        Rec("https://a.example/kept", HTML, when=when),
    ]


def read(path: Path, selection: Selection = Selection(), start: int = 0):  # noqa: B008
    counts = ScanCounts()
    with path.open("rb") as fh:
        pages = list(scan(fh, counts, selection, start))
    return pages, counts.counts


def test_only_selected_html_responses_come_out_and_every_record_is_counted(tmp_path):
    path = write_warc(tmp_path / "odd.warc.gz", odd_records())
    since = datetime(2022, 1, 1)
    pages, counts = read(path, Selection(since, CSTO.raw_filter()))
    assert [p.uri for p in pages] == ["https://a.example/kept"]
    assert pages[0].warc_date == datetime(2022, 1, 10)  # naive UTC
    assert pages[0].content_type == "text/html; charset=utf-8" and pages[0].body == HTML
    assert counts == {
        "records": 7,  # the request record is not read at all
        "revisit": 1,
        "not_html": 1,
        "truncated": 1,
        "not_ok": 1,
        "before_window": 1,
        "off_topic": 1,
        "selected": 1,
    }


def test_a_scan_resumes_at_the_next_offset_of_any_page(tmp_path):
    path = write_warc(tmp_path / "s.warc.gz", sample_records())
    everything, _ = read(path)
    assert len(everything) == len(sample_pages())
    middle = everything[len(everything) // 2]
    rest, counts = read(path, start=middle.next_offset)
    assert [p.uri for p in rest] == [p.uri for p in everything[len(everything) // 2 + 1 :]]
    assert counts["records"] == len(rest)
    assert everything[-1].next_offset == path.stat().st_size


def test_an_archive_cut_mid_record_keeps_what_came_before(tmp_path):
    path = write_warc(tmp_path / "s.warc.gz", sample_records())
    whole, _ = read(path)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(path.read_bytes()[: whole[5].offset + 300])  # inside the sixth record
    pages, counts = read(cut)
    assert [p.uri for p in pages] == [p.uri for p in whole[:5]]
    assert counts["unreadable"] == 1
    # A later scan of the completed file goes on from the first record that was cut.
    assert pages[-1].next_offset == whole[5].offset


def test_uncompressed_warcs_read_the_same(tmp_path):
    plain = write_warc(tmp_path / "s.warc", sample_records(), gzip=False)
    packed = write_warc(tmp_path / "s.warc.gz", sample_records())
    assert [p.uri for p in read(plain)[0]] == [p.uri for p in read(packed)[0]]


def test_a_wacz_gives_its_warcs_and_its_page_index(tmp_path):
    records = sample_records()
    a = write_warc(tmp_path / "a.warc.gz", records[:10])
    b = write_warc(tmp_path / "b.warc.gz", records[10:])
    listed = [r.uri for r in records[::2]]
    wacz = write_wacz(tmp_path / "crawl.wacz", [a, b], listed)
    assert wacz_members(wacz) == ["archive/a.warc.gz", "archive/b.warc.gz"]
    assert wacz_pages(wacz) == frozenset(listed)
    found = []
    for member in wacz_members(wacz):
        with open_member(wacz, member) as stream:
            counts = ScanCounts()
            found += [p.uri for p in scan(stream, counts, Selection(uris=wacz_pages(wacz)))]
    assert found == listed


@pytest.mark.parametrize("engine", available())
def test_the_raw_test_never_turns_away_a_page_the_query_matches(engine):
    # Every sample page, in its own encoding and in the legacy Cyrillic ones, with the
    # article text: where the query matches the text, the raw test passes the bytes.
    from extractors.clean import extract_article
    from newswatch.settings import load_settings

    cfg = load_settings(env={}).clean
    test = RawTest([CSTO], engine)
    assert test.engine == engine
    matched = 0
    for a, page in sample_pages():
        html = page.read_text(encoding="utf-8")
        art = extract_article(html, a["url"], cfg).article
        if art is None or not CSTO.match(f"{art.title}\n{art.text}").matched:
            continue
        matched += 1
        for encoding in ("utf-8", "cp1251", "koi8-r"):
            raw = html.encode(encoding, errors="xmlcharrefreplace")
            assert test(raw), (a["id"], encoding)
    assert matched >= 15


@pytest.mark.parametrize("engine", available())
@pytest.mark.parametrize("seed", range(3))
def test_the_raw_test_follows_inflection_and_capitals(seed, engine):
    rng = random.Random(seed)
    test = RawTest([CSTO], engine)
    subject = rng.choice(["ОДКБ", "Организация ОДКБ", "CSTO", "csto"])
    place = rng.choice(["Казахстане", "КАЗАХСТАН", "казахстанских", "Almaty", "ALMATY"])
    text = f"<p>{subject} и {place}</p>"
    assert CSTO.match(text).matched
    for encoding in ("utf-8", "cp1251", "koi8-r"):
        assert test(text.encode(encoding))
    # One side of the AND is looked for (the cheaper): a page with neither is turned away.
    assert not test(b"<p>The derby in Paris ended 2-2; UEFA fined both clubs.</p>")
    assert test(b"<p>The derby in Almaty ended 2-2.</p>")
