"""Feed entries whose link is never fetched (file:, ftp:, gopher:, data:, none at all) are not
dropped silently: each is recorded against its source with the reason, once however often the
feed is polled, and `newswatch feeds` counts them."""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb
import pytest

from extractors.feeds import parse_feed
from newswatch.pipeline import run_once
from newswatch.settings import load_settings

pytestmark = pytest.mark.e2e

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>local</title><link>file:///etc/passwd</link></item>
<item><title>ftp</title><link>ftp://files.example/report.txt</link></item>
<item><title>gopher</title><link>gopher://old.example/1</link></item>
<item><title>data</title><link>data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;</link></item>
<item><title>nothing</title><description>no link at all</description></item>
<item><title>web</title><link>/2022/01/ok.html</link></item>
</channel></rss>"""


def test_parse_feed_reports_each_refused_link_with_its_reason() -> None:
    parsed = parse_feed(FEED.encode(), "https://news.example/feed.xml")
    assert [e.link for e in parsed.entries] == ["https://news.example/2022/01/ok.html"]
    reasons = dict(parsed.rejected)
    # feedparser hands the file: link on as file://etc/passwd.
    assert any(
        k.startswith("file:") and "scheme file: is never fetched" in r for k, r in reasons.items()
    )
    assert reasons["ftp://files.example/report.txt"].startswith("link scheme ftp:")
    assert reasons["gopher://old.example/1"].startswith("link scheme gopher:")
    assert any(link.startswith("data:") and "scheme data:" in r for link, r in parsed.rejected)
    assert ("", "entry has no link") in parsed.rejected
    assert parsed.dropped == 5


def test_refused_links_are_recorded_per_source_once(local_server, make_config, tmp_path):
    local_server.route("/feed.xml", body=FEED.encode(), headers={"Content-Type": "text/xml"})
    local_server.route("/2022/01/ok.html", status=404)
    config = make_config(f"  - {{name: odd, url: '{local_server.url('/feed.xml')}'}}\n")
    db = tmp_path / "nw.duckdb"
    settings = load_settings(config, db=db, env={})
    first = run_once(settings)
    assert first.counts["entries_refused"] == 5
    assert any("link scheme file:" in reason for _, reason in first.feed_errors)
    run_once(settings, force=True)
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT url, reason FROM fetch_errors WHERE source = 'odd' AND stage = 'feed_entry'"
        ).fetchall()
    assert len(rows) == 5  # one row each, however often polled
    assert (
        "file://etc/passwd",
        "link scheme file: is never fetched (http and https only)",
    ) in rows
    assert local_server.counts["/etc/passwd"] == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH")}
    proc = subprocess.run(
        [sys.executable, "-m", "newswatch", "feeds", "--config", str(config), "--db", str(db)],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": "250"},
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "refused links" in proc.stdout
    lines = proc.stdout.splitlines()
    header = next(line for line in lines if "refused links" in line).split("┃")
    column = next(i for i, cell in enumerate(header) if "refused links" in cell)
    row = next(line for line in lines if line.startswith("│ odd")).split("│")
    assert row[column].strip() == "5"
