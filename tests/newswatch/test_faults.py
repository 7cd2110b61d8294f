"""A fault-injecting local server: the run completes, every failure is recorded with its reason,
every good page is stored, and failed pages are stored once their server recovers."""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import duckdb
import pytest

from extractors.entities import EntityExtractor
from newswatch.pipeline import run_once
from newswatch.settings import FeedSource, FetchSettings, load_settings

pytestmark = pytest.mark.e2e

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "csto-2022"
PAGE = (
    SAMPLE
    / "pages"
    / "steppe-herald.example"
    / "2022"
    / "01"
    / "07"
    / "almaty-airport-back-under-government-control.html"
).read_text(encoding="utf-8")
CHALLENGE = (
    b"<html><head><title>Just a moment...</title></head><body>"
    b"<div id='cf-challenge-running'>Checking your browser before accessing.</div>"
    b"</body></html>"
)


def article(tag: str) -> bytes:
    """A distinct on-topic page per route, so each recovered page is its own article."""
    extra = (
        f"<p>Correspondents filed report {tag} after speaking to residents of Almaty "
        f"about the CSTO deployment and President Tokayev's address.</p>"
    )
    return PAGE.replace(
        '<div class="entry-content">', '<div class="entry-content">' + extra, 1
    ).encode()


# fault name -> expected reason fragment in fetch_errors (None: stored in the first run)
FAULTS: dict[str, str | None] = {
    "http500": "HTTP 500",
    "retry_after": None,  # 503 + Retry-After: 1, then 200: retried within the run
    "http429_then_ok": None,
    "http404": "HTTP 404",
    "timeout": "timeout",
    "reset": "connection",
    "drip": "timeout",
    "oversize": "larger than",
    "gzip_bomb": "larger than",
    "redirect_loop": "redirect",
    "wrong_charset": None,  # declared ISO-8859-1, really UTF-8: decoded right and stored
    "non_html": "content type",
    "interstitial": "blocked: anti-bot challenge",
}


def install_faults(server, healthy: set[str]) -> None:
    """Route every fault; names in `healthy` answer with their good page instead."""
    Reply = server.Reply

    def ok(name: str):
        return Reply(200, article(name), {"Content-Type": "text/html; charset=utf-8"})

    def route(name: str, handler) -> None:
        server.route(
            f"/f/{name}.html", handler=(lambda r, n=name: ok(n)) if name in healthy else handler
        )

    route("http500", lambda r: Reply(500, b"boom"))
    route(
        "retry_after",
        lambda r: Reply(503, b"busy", {"Retry-After": "1"}) if r.count == 1 else ok("retry_after"),
    )
    route(
        "http429_then_ok",
        lambda r: Reply(429, b"slow down") if r.count == 1 else ok("http429_then_ok"),
    )
    route("http404", lambda r: Reply(404, b"gone"))
    route(
        "timeout", lambda r: Reply(200, article("timeout"), {"Content-Type": "text/html"}, delay=3)
    )

    def reset(r):
        raw = r.raw
        raw.send_response(200)
        raw.send_header("Content-Type", "text/html")
        raw.send_header("Content-Length", "100000")
        raw.end_headers()
        raw.wfile.write(article("reset")[:2000])
        raw.wfile.flush()
        raw.close_connection = True  # hang up mid-body

    route("reset", reset)

    def drip(r):
        raw = r.raw
        raw.send_response(200)
        raw.send_header("Content-Type", "text/html")
        raw.send_header("Transfer-Encoding", "chunked")
        raw.end_headers()
        try:
            for _ in range(40):  # 100 bytes every 0.25 s: never a read timeout, always too slow
                raw.wfile.write(b"64\r\n" + b"x" * 100 + b"\r\n")
                raw.wfile.flush()
                time.sleep(0.25)
        except OSError:
            pass
        raw.close_connection = True

    route("drip", drip)
    route(
        "oversize",
        lambda r: Reply(
            200, b"<html>" + b"a" * 3_000_000, {"Content-Type": "text/html"}, chunked=True
        ),
    )
    bomb = gzip.compress(b"<html><body>" + b"0" * 30_000_000)
    route(
        "gzip_bomb",
        lambda r: Reply(200, bomb, {"Content-Type": "text/html", "Content-Encoding": "gzip"}),
    )
    route("redirect_loop", lambda r: Reply(302, b"", {"Location": "/f/redirect_loop.html?x"}))
    utf8 = (
        article("wrong_charset")
        .replace(b"Almaty", "Алматы (Almaty)".encode())
        .replace(b"Tokayev's", "Tokayev’s".encode())
    )
    route(
        "wrong_charset",
        lambda r: Reply(200, utf8, {"Content-Type": "text/html; charset=ISO-8859-1"}),
    )
    route(
        "non_html",
        lambda r: Reply(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 5000, {"Content-Type": "image/png"}),
    )
    route("interstitial", lambda r: Reply(200, CHALLENGE, {"Content-Type": "text/html"}))


def feed(server) -> bytes:
    items = "".join(
        f"<item><title>{name}</title><link>{server.url(f'/f/{name}.html')}</link>"
        f"<guid>{name}</guid><pubDate>Fri, 07 Jan 2022 10:00:00 GMT</pubDate></item>"
        for name in FAULTS
    )
    good = "".join(
        f"<item><title>good {i}</title><link>{server.url(f'/good/{i}.html')}</link>"
        f"<guid>good{i}</guid></item>"
        for i in range(3)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>faults</title>{items}'
        f"{good}</channel></rss>"
    ).encode()


def test_faults_are_recorded_good_pages_stored_and_recoveries_picked_up(local_server, tmp_path):
    for i in range(3):
        local_server.route(
            f"/good/{i}.html",
            body=article(f"good{i}"),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
    local_server.route(
        "/feed.xml", body=feed(local_server), headers={"Content-Type": "application/rss+xml"}
    )
    install_faults(local_server, healthy=set())
    settings = load_settings(env={}).model_copy(
        update={
            "sources": [FeedSource(name="faults", url=local_server.url("/feed.xml"))],
            "fetch": FetchSettings(
                retries=2,
                backoff_initial=0.01,
                backoff_max=0.05,
                connect_timeout=2,
                read_timeout=1.5,
                total_timeout=4,
                max_bytes=1_000_000,
                retry_after_max=5,
                max_attempts=5,
                allow_hosts=["127.0.0.1:*"],
                respect_robots=False,
            ),
            "db_path": tmp_path / "faults.duckdb",
        }
    )
    extractor = EntityExtractor(settings.nlp, [e for t in settings.topics for e in t.gazetteer])

    started = time.monotonic()
    run_once(settings, extractor=extractor)
    elapsed = time.monotonic() - started
    db = settings.db_path
    with duckdb.connect(str(db), read_only=True) as con:
        errors = dict(
            con.execute("SELECT url, reason FROM fetch_errors WHERE resolved_at IS NULL").fetchall()
        )
        stored = {u for (u,) in con.execute("SELECT url FROM articles").fetchall()}
        texts = dict(con.execute("SELECT url, text FROM articles").fetchall())
        run = con.execute("SELECT status FROM runs").fetchall()
    assert run == [("completed",)]
    faulty = [n for n, reason in FAULTS.items() if reason]
    for name, reason in FAULTS.items():
        url = local_server.url(f"/f/{name}.html")
        if reason is None:
            assert url in stored, name
        else:
            assert url in errors and reason.lower() in errors[url].lower(), (name, errors.get(url))
    for i in range(3):
        assert local_server.url(f"/good/{i}.html") in stored
    charset_text = texts[local_server.url("/f/wrong_charset.html")]
    assert "Алматы" in charset_text and "Tokayev’s" in charset_text
    print(
        f"\nfault run: {len(FAULTS)} kinds of fault, {len(faulty)} recorded failures, "
        f"{len(stored)} pages stored, {elapsed:.1f} s"
    )

    # The servers recover: the next run stores every page that failed, none twice.
    install_faults(local_server, healthy=set(FAULTS))
    again = run_once(settings, extractor=extractor, force=True)
    with duckdb.connect(str(db), read_only=True) as con:
        open_errors = con.execute(
            "SELECT count(*) FROM fetch_errors WHERE resolved_at IS NULL"
        ).fetchone()[0]
        total = con.execute("SELECT count(*), count(DISTINCT url) FROM articles").fetchone()
    assert again.counts.get("failed", 0) == 0 and open_errors == 0
    assert total == (len(FAULTS) + 3, len(FAULTS) + 3)
    print(f"recovery run: {again.counts.get('stored', 0)} stored, items lost: 0")
