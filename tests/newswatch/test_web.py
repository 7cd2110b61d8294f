"""The explorer app over a real analyst snapshot (a DuckDB file we load and publish), called
through Starlette's test client (the real ASGI app in-process): every view and its CSV,
permalinks, hostile data escaped, the token, and a new snapshot seen without a restart."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from starlette.testclient import TestClient

from newswatch.web.app import CSP, create_app
from warehouse.records import ArticleRecord, LoadBatch
from warehouse.snapshot import publish_snapshot
from warehouse.store import Warehouse

WHEN = datetime(2022, 1, 7, 8)
EVIL_TITLE = "<script>alert('title')</script> Tokayev asks the CSTO"
EVIL_NAME = '"><img src=x onerror=alert(1)>'


def record(key: str, hours: int, title: str, url: str | None = None, **kw) -> ArticleRecord:
    when = WHEN + timedelta(hours=hours)
    return ArticleRecord(
        article_key=key,
        url=url or f"https://news.example/{key}",
        canonical_url=f"https://news.example/{key}",
        source="news",
        site=kw.pop("site", "news.example"),
        title=title,
        text=kw.pop("text", "CSTO peacekeepers arrive in Almaty as Tokayev asks for help. " * 8),
        published=when,
        fetched_at=when,
        language=kw.pop("language", "en"),
        content_hash=f"h-{key}",
        topics={"csto": ("csto",)},
        mentions=kw.pop("mentions", {("Kassym-Jomart Tokayev", "PERSON"): 2, ("CSTO", "ORG"): 1}),
        **kw,
    )


def load(db: Path, snap: Path, extra: list[ArticleRecord] = ()) -> None:
    rows = [
        record(
            "a1",
            0,
            EVIL_TITLE,
            url="javascript:alert('url')",
            mentions={(EVIL_NAME, "ORG"): 1, ("CSTO", "ORG"): 2},
        ),
        record(
            "a2",
            1,
            "Paratroopers land in Almaty",
            site="wire.example",
            story_key="a1",
            copy_of="a1",
            copy_kind="near",
            copy_score=0.91,
        ),
        record("a3", 30, '=HYPERLINK("http://evil.example") Troops leave', language="ru"),
        *extra,
    ]
    with Warehouse(db) as wh:
        wh.load(LoadBatch("r1", articles=rows))
        wh.conn.execute(
            "INSERT INTO alerts (alert_key, topic, rule, entity, label, article_key, title, url, "
            "source, site, created_at, story_key) VALUES ('k1', 'csto', 'watched_entity', "
            "'Kassym-Jomart Tokayev', 'PERSON', 'a1', ?, 'https://news.example/a1', 'news', "
            "'news.example', ?, 'a1') ON CONFLICT DO NOTHING",
            [EVIL_TITLE, WHEN],
        )
        wh.conn.execute(
            "INSERT INTO deliveries (alert_key, channel, status, attempts, next_attempt_at, "
            "last_error) VALUES ('k1', 'ops-webhook', 'failed', 3, ?, 'HTTP 500') "
            "ON CONFLICT DO NOTHING",
            [WHEN],
        )
        publish_snapshot(wh, snap)


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("web")
    db, snap = folder / "nw.duckdb", folder / "nw-analyst.duckdb"
    load(db, snap)
    return db, snap


@pytest.fixture(scope="module")
def client(snapshot) -> TestClient:
    return TestClient(create_app(snapshot[1]))


def test_every_view_answers_with_its_security_headers(client):
    for path in (
        "/",
        "/entity?name=CSTO",
        "/story/a1",
        "/search?q=almaty",
        "/alerts",
        "/entity?name=tokayev&by=hour",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-security-policy"] == CSP
        assert "'unsafe-inline'" not in CSP.split("script-src")[1].split(";")[0]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "<title>" in response.text and "app;dur=" in response.headers["server-timing"]


def test_hostile_titles_names_and_urls_are_inert(client):
    pages = [
        client.get(p).text
        for p in ("/", "/story/a1", "/search?q=tokayev", "/alerts", "/entity?name=CSTO")
    ]
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in pages[1]
    assert 'href="javascript:' not in pages[1] and 'href="#"' in pages[1]
    # Chart data: the name sits in a JSON block with '<' escaped, so it cannot close the block.
    entity = client.get("/entity", params={"name": EVIL_NAME}).text
    assert "\\u003cimg" in entity or "&lt;img" in entity
    assert "<img src=x" not in entity


def test_permalinks_carry_the_filters(client):
    html = client.get("/?topic=csto&since=2022-01-01&until=2022-01-31&language=en").text
    assert (
        "/entity?topic=csto&amp;since=2022-01-01&amp;until=2022-01-31&amp;language=en&amp;name="
        in html
    )
    # A chart bar's link keeps them too, and names its bucket.
    entity = client.get("/entity?name=CSTO&topic=csto&since=2022-01-01&until=2022-01-31").text
    assert "bucket=2022-01-07" in entity and "topic=csto" in entity
    only_day = client.get("/entity?name=CSTO&since=2022-01-01&until=2022-01-31&bucket=2022-01-08")
    assert "Troops leave" in only_day.text and "Paratroopers land" not in only_day.text
    assert ">None<" not in only_day.text


def test_the_story_view_shows_every_copy_and_its_alerts(client):
    html = client.get("/story/a1").text
    assert "Paratroopers land in Almaty" in html and "wire.example" in html
    assert "near" in html and "0.91" in html
    assert "ops-webhook: failed" in html
    assert client.get("/story/nope").status_code == 404


def test_csv_downloads_what_the_view_shows_and_defuses_formulas(client):
    response = client.get("/search?q=troops&format=csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["article_key"] for r in rows] == ["a3"]
    assert rows[0]["title"].startswith("'=HYPERLINK")
    outbox = list(csv.DictReader(io.StringIO(client.get("/alerts?format=csv").text)))
    assert outbox[0]["status"] == "failed" and outbox[0]["attempts"] == "3"
    top = list(csv.DictReader(io.StringIO(client.get("/?format=csv").text)))
    assert {r["entity"] for r in top} >= {"CSTO", "Kassym-Jomart Tokayev"}


def test_bad_parameters_get_a_clear_page(client):
    response = client.get("/?since=yesterday")
    assert response.status_code == 400 and "since must be a date" in response.text
    assert client.get("/entity").status_code == 400
    assert client.get("/?since=2022-02-01&until=2022-01-01").status_code == 400


def test_autocomplete_suggests_entity_names(client):
    assert client.get("/api/suggest?prefix=toka").json() == ["Kassym-Jomart Tokayev"]


def test_a_new_snapshot_is_seen_without_a_restart(tmp_path):
    db, snap = tmp_path / "nw.duckdb", tmp_path / "snap.duckdb"
    load(db, snap)
    app = TestClient(create_app(snap))
    assert "Kurultai" not in app.get("/search?q=kurultai").text
    load(db, snap, [record("n1", 40, "Kurultai opens", text="Kurultai session opens. " * 20)])
    assert "Kurultai opens" in app.get("/search?q=kurultai").text


def test_a_snapshot_from_before_the_search_index_says_so(tmp_path):
    db, snap = tmp_path / "nw.duckdb", tmp_path / "snap.duckdb"
    load(db, snap)
    with duckdb.connect(str(snap)) as con:  # as an older newswatch published it
        con.execute("DROP TABLE article_terms; DROP TABLE entity_days_by_source")
    app = TestClient(create_app(snap))
    response = app.get("/search?q=troops")
    assert response.status_code == 200 and "no word index yet" in response.text
    assert app.get("/?language=ru").status_code == 200  # filters fall back to the scan


def test_no_snapshot_yet_is_a_clear_503(tmp_path):
    response = TestClient(create_app(tmp_path / "none.duckdb")).get("/")
    assert response.status_code == 503 and "no analyst snapshot yet" in response.text


def test_a_token_guards_every_request(snapshot):
    app = TestClient(create_app(snapshot[1], token="s3cret"), follow_redirects=False)
    assert app.get("/").status_code == 401
    assert app.get("/static/explorer.js").status_code == 401
    assert app.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert app.get("/", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    # Opened once with ?token=, the browser gets a cookie and an address without the token.
    first = app.get("/entity?name=CSTO&token=s3cret")
    assert first.status_code == 303 and first.headers["location"] == "/entity?name=CSTO"
    assert app.get("/entity?name=CSTO").status_code == 200


def test_serving_beyond_localhost_needs_a_token(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH")}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "newswatch",
            "web",
            "--host",
            "0.0.0.0",
            "--db",
            str(tmp_path / "nw.duckdb"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2 and "NEWSWATCH_WEB_TOKEN" in proc.stderr
