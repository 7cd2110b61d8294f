"""The explorer in a real browser (Debian's Chromium through pytest-playwright) against a real
`newswatch web` server over the sample corpus's snapshot: an analyst's path from the overview
to an entity, to the stories behind one bar of its chart, to every copy of a story; search with
autocomplete, a filter, a CSV download; no console errors anywhere. Screenshots go to
$NEWSWATCH_SCREENSHOTS (default: the test's temporary folder)."""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("CI") != "true":
    pytest.skip("no chromium here (CI installs it: make ci-tools)", allow_module_level=True)

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "csto-2022"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium: Playwright's own browser download is not reachable here."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH")}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(make_config, tmp_path_factory) -> Iterator[str]:
    """`newswatch web` over a snapshot of the sample corpus, at its URL."""
    config = make_config(f"  - {{name: sample, kind: archive, path: '{SAMPLE}'}}\n")
    db = tmp_path_factory.mktemp("web") / "nw.duckdb"
    run = [sys.executable, "-m", "newswatch"]
    loaded = subprocess.run(
        [*run, "run", "--once", "--config", str(config), "--db", str(db)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=600,
    )
    assert loaded.returncode == 0, loaded.stderr
    port = _free_port()
    proc = subprocess.Popen(
        [*run, "web", "--config", str(config), "--db", str(db), "--port", str(port)],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail("newswatch web did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("NEWSWATCH_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def errors(page) -> list[str]:
    """Console errors and uncaught exceptions of the page."""
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.append(str(e)))
    return seen


def test_overview_to_entity_to_a_spike_to_a_story(page, server, errors, shots):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server + "/")
    page.wait_for_selector("#chart[data-drawn=yes]")
    assert page.title().startswith("Overview")
    page.screenshot(path=str(shots / "overview.png"), full_page=True)

    top = page.locator("#top a.entity").first
    name = top.inner_text()
    top.click()
    page.wait_for_selector("#chart[data-drawn=yes]")
    assert page.locator("h1").inner_text().startswith(name)
    all_stories = page.locator("#stories tbody tr").count()
    page.screenshot(path=str(shots / "entity.png"), full_page=True)

    # The tallest bar is the spike: click it for the stories behind it.
    bars = page.locator("#chart svg .mark-rect path")
    heights = [bars.nth(i).bounding_box()["height"] for i in range(bars.count())]
    bars.nth(heights.index(max(heights))).click()
    page.wait_for_url("**bucket=*")
    assert page.locator("#stories-title").inner_text().startswith("Stories of 2022-")
    spike = page.locator("#stories tbody tr").count()
    assert 0 < spike < all_stories
    page.screenshot(path=str(shots / "entity-spike.png"), full_page=True)

    # Back to all the entity's stories, most articles first: the first one's every copy.
    page.locator("#stories-title a").click()
    page.wait_for_selector("#chart[data-drawn=yes]")
    assert int(page.locator("#stories tbody tr td:nth-child(3)").first.inner_text()) >= 2
    page.locator("#stories a.story").first.click()
    page.wait_for_selector("#copies")
    kinds = page.locator("#copies tbody tr td:nth-child(5)").all_inner_texts()
    assert kinds[0] == "original" and len(kinds) >= 2
    assert set(kinds[1:]) <= {"exact", "near", "rewrite", "canonical", "original"}
    page.screenshot(path=str(shots / "story.png"), full_page=True)
    assert errors == []


def test_search_with_autocomplete_a_filter_and_csv(page, server, errors, shots):
    page.goto(server + "/search")
    page.locator("#q").type("toka")
    page.wait_for_function("document.querySelectorAll('#entity-names option').length > 0")
    assert "Kassym-Jomart Tokayev" in page.locator("#entity-names option").first.get_attribute(
        "value"
    )
    page.locator("#q").fill("CSTO troops")
    page.locator("form.filters button").click()
    page.wait_for_selector("#hits li")
    hits = page.locator("#hits li").count()
    assert hits > 1 and page.locator("#hits mark").count() >= 2
    page.screenshot(path=str(shots / "search.png"), full_page=True)

    # One site only: the filter narrows the hits and lands in the address (a permalink).
    site = page.locator("#hits .meta").first.inner_text().split(" · ")[0]
    page.locator("select[name=site]").select_option(site)
    page.locator("form.filters button").click()
    page.wait_for_url("**site=*")
    narrowed = page.locator("#hits li").count()
    assert 0 < narrowed < hits

    with page.expect_download() as download:
        page.locator("a.csv").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    assert len(rows) == narrowed and {r["site"] for r in rows} == {site}
    assert errors == []


def test_alerts_view_renders(page, server, errors):
    page.goto(server + "/alerts")
    assert page.title().startswith("Alerts")
    assert page.locator("#outbox").count() == 1
    assert errors == []
