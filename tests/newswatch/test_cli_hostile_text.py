"""Every command that prints stored data prints it as text: rich markup in a title, a name or
a server's error is shown literally (it used to end the command with MarkupError), and
terminal escape sequences are shown as escapes instead of reaching the terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from newswatch.display import printable
from warehouse.records import ArticleRecord, LoadBatch, SourcePoll
from warehouse.store import Warehouse

pytestmark = pytest.mark.e2e

MARKUP = "[/bold] [red]Tokayev[/red] [link=https://evil.example]x"
ESCAPES = "Evil\x1b]0;owned\x07\x1b[2J\x9b31m\u202egnp.exe"
NOW = datetime(2022, 1, 10, 12)


def _article(key: str, hours: int) -> ArticleRecord:
    when = NOW - timedelta(hours=hours)
    return ArticleRecord(
        article_key=key,
        url=f"https://evil.example/{key}",
        canonical_url=f"https://evil.example/{key}",
        source="evil",
        site="evil.example",
        title=f"{MARKUP} {ESCAPES} {key}",
        text="Body. " * 40,
        published=when,
        fetched_at=when,
        language="en",
        content_hash=f"h-{key}",
        topics={"csto": ("csto",)},
        mentions={(MARKUP, "PERSON"): 2, (ESCAPES, "ORG"): 1},
    )


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("hostile") / "nw.duckdb"
    error = f"{ESCAPES} unexpected Content-Type text/{MARKUP}"
    poll = SourcePoll("evil", "feed", "https://evil.example/feed.xml", ok=False, error=error)
    with Warehouse(db) as wh:
        wh.load(LoadBatch("r1", articles=[_article("a1", 1), _article("a2", 30)], polls=[poll]))
    return db


def _config(tmp: Path) -> Path:
    folder = tmp / "config"
    (folder / "topics").mkdir(parents=True, exist_ok=True)
    (folder / "newswatch.yaml").write_text(
        "sources:\n  - {name: evil, url: 'https://evil.example/feed.xml'}\n", encoding="utf-8"
    )
    return folder


def _run(*args: str) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH")}
    return subprocess.run(
        [sys.executable, "-m", "newswatch", *args],
        capture_output=True,
        env={**env, "COLUMNS": "400"},
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize(
    "command",
    [
        ["trends", "--days", "3650"],
        ["stories"],
        ["feeds"],
        ["sql", "SELECT name, label FROM entities"],
        ["sql", 'SELECT title AS "[/b]" FROM articles'],
        ["sql", "SELECT name FROM entities", "--format", "csv"],
        ["trend", MARKUP, "--days", "3650"],
    ],
)
def test_hostile_stored_text_is_printed_literally(hostile_db, tmp_path, command) -> None:
    proc = _run(*command, "--config", str(_config(tmp_path)), "--db", str(hostile_db))
    out = proc.stdout.decode("utf-8") + proc.stderr.decode("utf-8")
    assert proc.returncode == 0, out
    assert "MarkupError" not in out
    # No control character of the data reaches the terminal; its escape form does.
    assert "\x1b]0;owned" not in out and "\x07" not in out and "\x9b" not in out
    assert "\u202e" not in out
    assert "[/bold]" in out or "[/b]" in out  # shown, not parsed
    if command[0] != "trend":
        assert r"\x1b]0;owned" in out  # shown as an escape


def test_a_hostile_argument_is_reported_not_parsed(hostile_db, tmp_path) -> None:
    proc = _run(
        "trend", "[/bold]nobody", "--config", str(_config(tmp_path)), "--db", str(hostile_db)
    )
    assert proc.returncode == 2
    assert b"[/bold]nobody" in proc.stderr and b"MarkupError" not in proc.stderr


def test_printable_escapes_controls_separators_and_bidi() -> None:
    assert printable("a\x1b[2Jb\tc\u2028d\u202ee") == "a\\x1b[2Jb\\x09c\\u2028d\\u202ee"
    assert printable(None) == "" and printable("Алматы") == "Алматы"
