"""How fast the explorer answers: server time of every view at 1,000,000 articles and ~10,000,000
mentions (bench.warehouse_scale's generated warehouse, published as an analyst snapshot), and
the browser-measured time to a rendered entity page on the sample corpus.

    .venv/bin/python -m bench.explorer                 # generates the warehouse once (cached)
    .venv/bin/python -m bench.explorer --no-browser    # server times only

Server time is the app's own `Server-Timing` header (request parsed, queries run, page
rendered), read through the real ASGI app in-process; median and p95 of --runs requests after
two warm-ups. Targets: every view <= 300 ms median, search <= 200 ms. The browser figure is
Chromium (through Playwright) loading the entity page from a running `newswatch web` until its
chart is drawn, median of 7 loads; target <= 1 s.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.warehouse_scale import generate
from warehouse.snapshot import publish_snapshot
from warehouse.store import Warehouse

TARGETS = {"search": 200.0}
DEFAULT_TARGET = 300.0
SAMPLE = Path("samples/csto-2022")


def server_times(snapshot: Path, runs: int) -> list[tuple[str, float, float, float]]:
    """(view, median ms, p95 ms, target ms) of each view over the snapshot."""
    from starlette.testclient import TestClient

    from newswatch.web.app import create_app

    client = TestClient(create_app(snapshot))
    hot, mid = "Entity 00000", "Entity 00420"
    story = client.get("/entity", params={"name": mid, "format": "csv"}).text.splitlines()[1]
    story_key = story.split(",")[0]
    cases = {
        "overview (topic, 30 days)": "/?topic=bench",
        "overview (language filter)": "/?language=en",
        "overview (site filter)": "/?site=s2.example",
        "entity, most named (day)": f"/entity?name={hot}",
        "entity, mid (day)": f"/entity?name={mid}",
        "entity, mid (hour)": f"/entity?name={mid}&by=hour",
        "entity, mid (day, language filter)": f"/entity?name={mid}&language=en",
        "entity, mid (hour, site filter)": f"/entity?name={mid}&by=hour&site=s2.example",
        "entity, one bar's stories": f"/entity?name={hot}&bucket=2026-11-20",
        "story": f"/story/{story_key}",
        "alerts": "/alerts",
        "search: one word": "/search?q=report",
        "search: two words": "/search?q=report+text",
        "search: rare word": "/search?q=999999",
        "search: one word, topic and site": "/search?q=report&topic=bench&site=s2.example",
        "autocomplete": "/api/suggest?prefix=entity+004",
    }
    out = []
    for name, path in cases.items():
        times = []
        for i in range(runs + 2):
            response = client.get(path)
            assert response.status_code == 200, (path, response.text[:300])
            if i >= 2:
                times.append(float(response.headers["server-timing"].split("dur=")[1]))
        times.sort()
        target = TARGETS["search"] if name.startswith("search") else DEFAULT_TARGET
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        out.append((name, statistics.median(times), p95, target))
    return out


def browser_time(loads: int = 7) -> float:
    """Median ms from navigation start to a drawn entity chart, on the sample corpus."""
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="nw-explorer-bench-"))
    db = folder / "nw.duckdb"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH")}
    config = folder / "config"
    (config / "topics").mkdir(parents=True)
    (config / "newswatch.yaml").write_text(
        f"sources:\n  - {{name: sample, kind: archive, path: '{SAMPLE.resolve()}'}}\n",
        encoding="utf-8",
    )
    for topic in Path("config/topics").glob("*.yaml"):
        (config / "topics" / topic.name).write_text(topic.read_text("utf-8"), encoding="utf-8")
    run = [sys.executable, "-m", "newswatch"]
    subprocess.run(
        [*run, "run", "--once", "--config", str(config), "--db", str(db)],
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [*run, "web", "--config", str(config), "--db", str(db), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/entity?name=Kazakhstan"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium")
            page = browser.new_page()
            for _ in range(100):
                try:
                    page.goto(f"http://127.0.0.1:{port}/healthz")
                    break
                except Exception:
                    time.sleep(0.2)
            page.goto(url)  # warm: the server's first snapshot open and the Vega bundle cached
            page.wait_for_selector("#chart[data-drawn=yes]")
            times = []
            for _ in range(loads):
                page.goto("about:blank")
                page.goto(url)
                page.wait_for_selector("#chart[data-drawn=yes]")
                times.append(page.evaluate("performance.now()"))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return statistics.median(times)


def main() -> None:
    """Command line: the figures; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/newswatch-scale.duckdb"))
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    if not args.db.exists():
        print(f"generating {args.articles:,} articles into {args.db} ...", flush=True)
        generate(args.db, args.articles, 11, 50_000)
    with Warehouse(args.db):
        pass  # a warehouse generated by an older newswatch migrates (and gets its search index)
    snapshot = args.db.with_name(args.db.stem + "-analyst.duckdb")
    if not snapshot.exists() or snapshot.stat().st_mtime < args.db.stat().st_mtime:
        t = time.perf_counter()
        info = publish_snapshot(args.db, snapshot)
        print(
            f"snapshot: {info.articles:,} articles, {info.mentions:,} mentions, "
            f"{time.perf_counter() - t:.0f} s"
        )
    ok = True
    print(f"{'view':<44}{'median ms':>10}{'p95 ms':>9}{'target':>8}")
    for name, median, p95, target in server_times(snapshot, args.runs):
        ok &= median <= target
        mark = "" if median <= target else "  MISSED"
        print(f"{name:<44}{median:>10.0f}{p95:>9.0f}{target:>8.0f}{mark}")
    if not args.no_browser:
        ms = browser_time()
        ok &= ms <= 1000
        print(f"browser: entity page drawn in {ms:.0f} ms median (target 1000)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
