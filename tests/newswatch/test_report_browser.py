"""The HTML report opened in a real browser (Chromium through Playwright) with entity names,
titles and site names written by an attacker: the charts draw the names as text and none of
the injected markup or script runs."""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from newswatch.report import script_json, write_report
from warehouse.records import ArticleRecord, LoadBatch
from warehouse.store import Warehouse

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("CI") != "true":
    pytest.skip("no chromium here (CI installs it: make ci-tools)", allow_module_level=True)

# Each tries to leave the JSON block, open a script, or run a handler; each would set
# window.pwned if it ran.
HOSTILE = [
    "</script><script>window.pwned='script'</script>",
    "<img src=x onerror=\"window.pwned='img'\">",
    "<svg onload=\"window.pwned='svg'\"></svg>",
    "</SCRIPT ><script>window.pwned='upper'</script>",
    "<!--<script>window.pwned='comment'</script>-->",
    "\u2028window.pwned='ls'\u2029",
    "'];window.pwned='quote';['",
    "<iframe src=\"javascript:window.top.pwned='iframe'\"></iframe>",
]
SITE = "</script><script>window.pwned='site'</script>.example"


def _article(i: int, name: str, when: datetime) -> ArticleRecord:
    return ArticleRecord(
        article_key=f"a{i}",
        url=f"https://evil.example/{i}",
        canonical_url=f"https://evil.example/{i}",
        source="<b>evil</b></script><script>window.pwned='source'</script>",
        site=SITE,
        title=f"<script>window.pwned='title'</script> {i}",
        text="Body. " * 40,
        published=when,
        fetched_at=when,
        language="en",
        content_hash=f"h{i}",
        topics={"csto": ("csto",)},
        mentions={(name, "PERSON"): 2, ("CSTO", "ORG"): 1},
    )


def _hostile_report(tmp_path: Path) -> Path:
    now = datetime(2022, 1, 10, 12)
    articles = [_article(i, name, now - timedelta(hours=i * 5)) for i, name in enumerate(HOSTILE)]
    db = tmp_path / "nw.duckdb"
    with Warehouse(db) as wh:
        wh.load(LoadBatch("r1", articles=articles))
    return write_report(db, tmp_path / "report.html", days=10)


def test_hostile_names_never_leave_the_json_block(tmp_path: Path) -> None:
    html = _hostile_report(tmp_path).read_text(encoding="utf-8")
    spec = html.split('<script type="application/json" id="spec">', 1)[1].split("</script>", 1)[0]
    for forbidden in ("<", ">", "\u2028", "\u2029"):
        assert forbidden not in spec
    assert html.count("<script") == 3  # the bundle, the spec block and the starter: no more
    assert 'http-equiv="Content-Security-Policy"' in html
    assert script_json({"a": "</script>&\u2028"}) == '{"a":"\\u003c/script\\u003e\\u0026\\u2028"}'


def test_hostile_report_in_a_real_browser_runs_nothing_and_draws_the_names(
    tmp_path: Path,
) -> None:
    from playwright.sync_api import sync_playwright

    report = _hostile_report(tmp_path)
    dialogs: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM or "/usr/bin/chromium")
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(report.as_uri())
            page.wait_for_selector("#vis svg", timeout=30_000)
            texts = page.locator("#vis svg text").all_text_contents()
            pwned = page.evaluate("() => window.pwned === undefined ? null : window.pwned")
            injected = page.evaluate(
                "() => document.querySelectorAll('body img, body iframe, #vis svg svg').length"
            )
        finally:
            browser.close()
    assert pwned is None and dialogs == [] and injected == 0
    assert errors == []
    # The charts drew: their titles and the hostile names, as plain text.
    joined = "\n".join(texts)
    assert "Top entities: stories per day" in joined
    assert "<img src=x onerror=\"window.pwned='img'\">" in joined
