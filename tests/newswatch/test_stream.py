"""Event runs: the feeds a watcher saw change are ingested and alerted on, chunk by chunk.

Real local HTTP server, real DuckDB file, real spaCy model, real alert rules and JSONL channel.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from bench.newsgen import generate_reports, render_html
from newswatch.settings import (
    AlertRule,
    AlertSettings,
    FeedSource,
    FetchSettings,
    GazetteerEntry,
    JsonlChannel,
    StreamSettings,
    Topic,
    load_settings,
)
from newswatch.stream import feeds_from_events, run_event
from samples.build import labels

SAMPLE = labels()  # the sample corpus's labelled on- and off-topic counts

pytestmark = pytest.mark.e2e


def test_event_payloads_name_the_feeds_to_poll():
    events = [
        {"from_trigger": True, "payload": {"feeds": ["a", "b"]}},
        {"payload": {"feeds": ["c"]}},
    ]
    assert feeds_from_events(events) == {"a", "b", "c"}
    # A manual trigger (no payload) means: poll everything.
    assert feeds_from_events([{}]) is None
    assert feeds_from_events([]) is None


def test_event_run_polls_only_the_changed_feed_and_alerts_once(sample_site, tmp_path):
    shipped = load_settings(env={})
    settings = shipped.model_copy(
        update={
            "sources": [
                FeedSource(name="rss", url=sample_site.url("/feeds/rss.xml")),
                FeedSource(name="atom", url=sample_site.url("/feeds/atom.xml")),
            ],
            "fetch": FetchSettings(retries=0, allow_hosts=["127.0.0.1:*"]),
            "db_path": tmp_path / "w.duckdb",
            "alerts": AlertSettings(channels=[JsonlChannel(path=tmp_path / "alerts.jsonl")]),
        }
    )
    summary, raised, sent = run_event(settings, {"rss"})
    assert 0 < summary.counts["stored"] < SAMPLE.on_topic
    assert sample_site.headers_seen("/feeds/atom.xml") == []  # not named by the event
    lines = (tmp_path / "alerts.jsonl").read_text(encoding="utf-8").splitlines()
    assert raised == sent == len(lines) > 0
    rest, raised2, sent2 = run_event(settings, {"atom"})
    assert summary.counts["stored"] + rest.counts["stored"] == SAMPLE.on_topic
    lines = (tmp_path / "alerts.jsonl").read_text(encoding="utf-8").splitlines()
    assert raised + raised2 == sent + sent2 == len(lines)
    again, raised3, sent3 = run_event(settings, {"rss", "atom"})
    assert again.counts.get("stored", 0) == 0 and raised3 == sent3 == 0
    assert len((tmp_path / "alerts.jsonl").read_text(encoding="utf-8").splitlines()) == len(lines)


def test_a_burst_of_500_new_items_is_all_alerted_none_twice(local_server, tmp_path):
    reports = generate_reports(500, seed=42)
    for i, report in enumerate(reports):
        local_server.route(f"/a/{i}.html", body=render_html(report).encode())
    items = "".join(
        f"<item><title>{r.title.replace('&', 'and')}</title>"
        f"<link>{local_server.url(f'/a/{i}.html')}</link><guid>r{i}</guid></item>"
        for i, r in enumerate(reports)
    )
    local_server.route(
        "/burst.xml",
        body=f'<?xml version="1.0"?><rss version="2.0"><channel><title>b</title>{items}'
        "</channel></rss>".encode(),
    )
    shipped = load_settings(env={})
    topic = Topic(
        name="everything",
        query="the",
        gazetteer=[GazetteerEntry(name="United Nations", label="ORG", aliases=["UN"])],
        alerts=[AlertRule(rule="query", query="the")],
    )
    settings = shipped.model_copy(
        update={
            "sources": [FeedSource(name="burst", url=local_server.url("/burst.xml"))],
            "topics": [topic],
            "fetch": FetchSettings(retries=0, allow_hosts=["127.0.0.1:*"], concurrency=16),
            "db_path": tmp_path / "w.duckdb",
            "alerts": AlertSettings(channels=[JsonlChannel(path=tmp_path / "alerts.jsonl")]),
            "stream": StreamSettings(chunk_size=100),
        }
    )
    summary, raised, sent = run_event(settings, {"burst"})
    assert summary.counts["stored"] == 500
    lines = [json.loads(x) for x in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    keys = Counter(x["alert_key"] for x in lines)
    assert len(lines) == raised == sent and max(keys.values()) == 1
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        stories = {s for (s,) in con.execute("SELECT DISTINCT story_key FROM articles").fetchall()}
    # Every story alerted exactly once (distinct reports: at most a rare merge of two).
    assert {x["story_key"] for x in lines} == stories and len(stories) >= 495
    # Nothing new, nothing sent twice.
    _, again, resent = run_event(settings, {"burst"})
    assert again == resent == 0
    assert len(Path(tmp_path / "alerts.jsonl").read_text().splitlines()) == len(lines)
