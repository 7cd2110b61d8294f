"""The HTML report: one self-contained file with the four charts, and PNGs when asked."""

from __future__ import annotations

import re

import duckdb

from newswatch.report import TITLES, write_report

from ..warehouse.test_trends import build


def test_report_is_self_contained_with_all_charts_and_pngs(tmp_path):
    db = build(tmp_path / "nw.duckdb")
    out = tmp_path / "reports" / "report.html"
    with duckdb.connect(str(db), read_only=True) as con:
        assert write_report(con, out, days=10, png_dir=tmp_path / "png") == out
    html = out.read_text(encoding="utf-8")
    for title in TITLES.values():
        assert title in html
    assert "cdn.jsdelivr" not in html
    assert not re.search(r"<script[^>]+src=[\"']https?:", html)
    assert "vegaEmbed" in html
    # Day axes carry the year: a long window otherwise shows "Jan 01" under every tick.
    assert '"format": "%b %d %Y"' in html or '"format":"%b %d %Y"' in html
    pngs = sorted(p.name for p in (tmp_path / "png").iterdir())
    assert pngs == ["cooccurrence.png", "rising.png", "sources.png", "trend.png"]
    assert all((tmp_path / "png" / p).read_bytes()[:4] == b"\x89PNG" for p in pngs)


def test_report_from_a_path_with_an_empty_window_still_renders(tmp_path):
    db = build(tmp_path / "nw.duckdb")
    out = write_report(db, tmp_path / "r.html", days=1, topic="nope")
    html = out.read_text(encoding="utf-8")
    assert "no entities in this window" in html and TITLES["sources"] in html


def test_trend_tooltips_say_how_each_entity_is_written_per_language(tmp_path):
    from dataclasses import replace
    from datetime import datetime

    from warehouse.records import LoadBatch
    from warehouse.store import Warehouse

    from ..warehouse.test_store import article

    db = tmp_path / "nw.duckdb"
    with Warehouse(db) as wh:
        shoigu = ("Sergei Shoigu", "PERSON")
        en = replace(
            article("en1", datetime(2022, 1, 7, 9), {shoigu: 1}), forms={shoigu: ("Shoigu",)}
        )
        ru = replace(
            article("ru1", datetime(2022, 1, 7, 10), {shoigu: 2}),
            language="ru",
            forms={shoigu: ("Шойгу", "Сергею Шойгу")},
        )
        wh.load(LoadBatch("r1", articles=[en, ru]))
    out = tmp_path / "report.html"
    with duckdb.connect(str(db), read_only=True) as con:
        write_report(con, out, days=10)
    # Forms written equally often come in alphabetical order.
    assert "en: Shoigu; ru: Сергею Шойгу, Шойгу" in out.read_text(encoding="utf-8")


def test_the_report_links_into_the_explorer_when_one_is_configured(tmp_path):
    con = duckdb.connect(str(build(tmp_path / "nw.duckdb")), read_only=True)
    plain = write_report(con, tmp_path / "plain.html", days=3).read_text(encoding="utf-8")
    assert "Open in the explorer" not in plain
    page = write_report(
        con, tmp_path / "r.html", days=3, topic="csto", explorer_url="http://127.0.0.1:8050/"
    ).read_text(encoding="utf-8")
    assert '<a href="http://127.0.0.1:8050/?topic=csto">Explorer overview</a>' in page
    links = re.findall(r'href="http://127\.0\.0\.1:8050/entity\?([^"]+)"', page)
    assert links and all(link.startswith("topic=csto&amp;name=") for link in links)
    assert "<title>newswatch report: topic csto</title>" in page
