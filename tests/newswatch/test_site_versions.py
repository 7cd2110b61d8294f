"""A site that posts three versions of one story among twenty other reports: the cleaner drops
the site's template lines from every page and keeps the short lines the versions share.

Real trafilatura and a real DuckDB warehouse; the pages are handed over as fetched (fetching
is tested elsewhere)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from extractors.boilerplate import line_hash
from newswatch.polling import NewItem
from newswatch.settings import load_settings
from newswatch.steps import Cleaned, Matched, Page, clean_pages, to_records
from warehouse.records import LoadBatch
from warehouse.store import Warehouse

SITE = "versions.example"
TOP = "Steppe Wire Desk"
BOTTOM = "Follow the desk for updates"
QUOTE = "“We will hold the line,” the mayor said."
DATELINE = "ORAL, Kazakhstan"
NOW = datetime(2022, 1, 12, 9, 0)


def page(key: str, title: str, paragraphs: list[str]) -> Page:
    body = "".join(f"<p>{p}</p>" for p in [TOP, *paragraphs, BOTTOM])
    html = (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}"
        "</article></body></html>"
    )
    url = f"https://{SITE}/news/{key}"
    return Page(NewItem(key, url, "desk", title=title), html, url, NOW)


def other(i: int) -> Page:
    topics = ("grain prices", "a rail strike", "school exams", "a football derby", "a bridge")
    paras = [
        f"Report {i} on {topics[i % 5]} opens with a long paragraph of its own facts, figures "
        f"and names, number {i * 37}, so that it reads like a real article of the site.",
        f"A second paragraph of report {i} adds the reaction of officials and residents, with "
        f"a different figure of {i * 11 + 5} and a place named Town {i}.",
        f"A third paragraph of report {i} quotes a spokesman at length about the budget and "
        f"the timetable, and gives the count of {i * 3 + 2} complaints received so far.",
        f"The last paragraph of report {i} says what happens next and when the council meets.",
    ]
    return page(f"other-{i}", f"Report {i} on {topics[i % 5]}", paras)


def version(n: int) -> Page:
    shared = [
        "Floodwater rose by two metres overnight in the western city and closed the main "
        "bridge over the Ural river to all traffic, the regional emergency service said.",
        DATELINE,
        QUOTE,
        "Crews from three districts worked through the night to raise the levee with sandbags "
        "and pumps brought in from the capital.",
        "Forecasters expect the river to crest on Thursday, and schools in the low districts "
        "stay closed until the water falls below the warning mark.",
    ]
    update = f"Update {n}: by morning {n * 120} residents had left the lowest streets by bus."
    return page(f"flood-v{n}", f"Flood closes Ural bridge (update {n})", [*shared, update])


def load(wh: Warehouse, cleaned: list[Cleaned]) -> None:
    """Store the cleaned pages as a run would (the site-line counts are what matter)."""
    records, _ = to_records([Matched(c, {}) for c in cleaned], [[] for _ in cleaned])
    wh.load(LoadBatch("run", articles=records))


def test_three_versions_among_twenty_others_keep_their_shared_lines(tmp_path: Path) -> None:
    settings = load_settings(env={})
    batches = [
        [*(other(i) for i in range(12)), version(1)],
        [*(other(i) for i in range(12, 20)), version(2), version(3)],
    ]
    kept: list[Cleaned] = []
    with Warehouse(tmp_path / "w.duckdb") as wh:
        for pages in batches:
            cleaned, result = clean_pages(pages, settings, wh.site_line_counts)
            assert result.outcomes == []  # nothing rejected as empty
            load(wh, cleaned)
            kept += cleaned
    assert len(kept) == 23
    for c in kept:
        lines = c.article.text.splitlines()
        # The site's furniture survived extraction and is dropped here.
        assert line_hash(TOP) in c.raw_lines and line_hash(BOTTOM) in c.raw_lines
        assert TOP not in lines and BOTTOM not in lines
    for c in (c for c in kept if c.item.url_key.startswith("flood-")):
        lines = c.article.text.splitlines()
        assert QUOTE in lines and DATELINE in lines
