"""Seconds from an item appearing in a feed to its alert arriving, under a real Airflow.

    .venv/bin/python -m bench.latency                      # event mode, then cron mode
    .venv/bin/python -m bench.latency --modes event --items 30

For each mode it starts `newswatch live` (Airflow standalone: scheduler, dag-processor,
triggerer, API server; LocalExecutor on SQLite) with a fresh Airflow home and warehouse, a local
feed server that publishes generated articles at random moments, and a local webhook receiver
(the signed webhook channel). Each item's latency is the time from its publication in the feed
to the receipt of its alert (a query rule that every article matches: one alert per story).
Prints p50, p95 and max per mode.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.httpserver import LocalServer, Reply, Request
from bench.live_first_alert import free_port, live_command
from bench.newsgen import Report, generate_reports, render_html
from bench.rss import FeedItem, rss

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 3


class FeedSite:
    """Serves /feed.xml (newest 50 published items, ETag and 304) and the published pages."""

    def __init__(self, reports: list[Report]) -> None:
        self.reports = reports
        self.published: list[tuple[int, float]] = []  # (report index, unix time)
        self.lock = threading.Lock()
        self.server = LocalServer()
        self.server.route("/feed.xml", handler=self._feed)
        self.server.start()
        self.port = self.server.port

    def url(self, path: str) -> str:
        """An absolute URL on this server."""
        return self.server.url(path)

    def publish(self, index: int) -> float:
        """Put one report at the top of the feed and its page online; return when."""
        html = render_html(self.reports[index]).encode()
        self.server.route(
            f"/a/{index}.html", body=html, headers={"Content-Type": "text/html; charset=utf-8"}
        )
        with self.lock:
            when = time.time()
            self.published.append((index, when))
        return when

    def feed(self) -> bytes:
        """The RSS document as it stands."""
        with self.lock:
            newest = list(reversed(self.published))[:50]
        items = [
            FeedItem(
                f"item {i}", self.url(f"/a/{i}.html"), datetime.fromtimestamp(t, UTC), f"item-{i}"
            )
            for i, t in newest
        ]
        return rss(items, title="latency")

    def _feed(self, request: Request) -> Reply:
        body = self.feed()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return Reply(304, b"", {"ETag": etag})
        return Reply(200, body, {"Content-Type": "application/rss+xml", "ETag": etag})


class Receiver:
    """A webhook endpoint (POST /hook) that notes when each alert (by article URL) first
    arrives."""

    def __init__(self) -> None:
        self.received: dict[str, float] = {}
        self.count = 0
        self.lock = threading.Lock()
        self.server = LocalServer()
        self.server.route("/hook", handler=self._hook)
        self.server.start()
        self.port = self.server.port

    def _hook(self, request: Request) -> Reply:
        body = request.raw.rfile.read(int(request.headers.get("Content-Length", 0)))
        now = time.time()
        payload = json.loads(body)
        alerts = payload.get("alerts", [payload])
        with self.lock:
            self.count += len(alerts)
            for alert in alerts:
                self.received.setdefault(alert.get("url", ""), now)
        return Reply(204)


def write_config(folder: Path, site: FeedSite, mode: str, work: Path) -> Path:
    """A config folder: the one feed, a topic every article matches, the webhook channel."""
    (folder / "topics").mkdir(parents=True)
    (folder / "newswatch.yaml").write_text(
        f"""db_path: {work / "nw.duckdb"}
fetch:
  allow_hosts: ['127.0.0.1:*']
  retries: 1
poll:
  min_interval_minutes: 0.5
  backoff_initial_minutes: 0.5
stream:
  poll_seconds: 5
airflow:
  mode: {mode}
  schedule: '* * * * *'
  staging_dir: {work / "staging"}
alerts:
  channels:
    - kind: webhook
      name: hook
sources:
  - name: latency-feed
    url: '{site.url("/feed.xml")}'
""",
        encoding="utf-8",
    )
    (folder / "topics" / "latency.yaml").write_text(
        """name: latency
query: the
alerts:
  - rule: query
    query: the
""",
        encoding="utf-8",
    )
    return folder


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank."""
    ordered = sorted(values)
    rank = max(1, round(q / 100 * len(ordered)))
    return ordered[rank - 1]


def measure(mode: str, items: int, seed: int, gap: tuple[float, float]) -> dict[str, Any]:
    """Run one mode and return its latencies."""
    rng = random.Random(seed)
    reports = generate_reports(items + WARM_UP, seed=seed)
    site, receiver = FeedSite(reports), Receiver()
    work = Path(tempfile.mkdtemp(prefix=f"nw-latency-{mode}-"))
    config = write_config(work / "config", site, mode, work)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSWATCH", "AIRFLOW"))}
    env.update(
        {
            "NEWSWATCH_CONFIG": str(config),
            "NEWSWATCH_WEBHOOK_URL": f"http://127.0.0.1:{receiver.port}/hook",
            "NEWSWATCH_WEBHOOK_SECRET": "bench-secret",
        }
    )
    for i in range(WARM_UP):
        site.publish(i)
    port, log_port = free_port(), free_port()
    started = time.monotonic()
    proc = subprocess.Popen(
        live_command(work, port, log_port),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        urls = [site.url(f"/a/{i}.html") for i in range(len(reports))]
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not all(
            u in receiver.received for u in urls[:WARM_UP]
        ):
            if proc.poll() is not None:
                raise RuntimeError(f"newswatch live exited {proc.returncode}; see {work}")
            time.sleep(1)
        warm = time.monotonic() - started
        print(
            f"[{mode}] warmed up in {warm:.0f} s (first alerts received); publishing {items} items"
        )
        published: dict[str, float] = {}
        for i in range(WARM_UP, len(reports)):
            time.sleep(rng.uniform(*gap))
            published[urls[i]] = site.publish(i)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not all(u in receiver.received for u in published):
            time.sleep(1)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
    latencies = [receiver.received[u] - t for u, t in published.items() if u in receiver.received]
    missing = len(published) - len(latencies)
    return {
        "mode": mode,
        "items": len(published),
        "received": len(latencies),
        "missing": missing,
        "duplicates": receiver.count - len(receiver.received),
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p95": percentile(latencies, 95) if latencies else float("nan"),
        "max": max(latencies) if latencies else float("nan"),
        "min": min(latencies) if latencies else float("nan"),
        "warm_up_s": warm,
        "work": str(work),
    }


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modes", nargs="+", default=["event", "cron"])
    parser.add_argument("--items", type=int, default=24)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--min-gap", type=float, default=5.0)
    parser.add_argument("--max-gap", type=float, default=25.0)
    args = parser.parse_args()
    results = [
        measure(mode, args.items, args.seed, (args.min_gap, args.max_gap)) for mode in args.modes
    ]
    print(f"\n{'mode':<7}{'items':>6}{'received':>9}{'p50 s':>8}{'p95 s':>8}{'max s':>8}{'dup':>5}")
    for r in results:
        print(
            f"{r['mode']:<7}{r['items']:>6}{r['received']:>9}{r['p50']:>8.1f}{r['p95']:>8.1f}"
            f"{r['max']:>8.1f}{r['duplicates']:>5}"
        )
    event = next((r for r in results if r["mode"] == "event"), None)
    if event is not None:
        ok = event["p95"] <= 60 and event["missing"] == 0
        print(f"\ntarget p95 <= 60 s in event mode: {'met' if ok else 'MISSED'}")
        raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
