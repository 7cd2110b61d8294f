"""Alert test fixtures: warehouse content builders, settings, a webhook receiver, an SMTP server.

The SMTP server is a tiny real one on 127.0.0.1 (socketserver) that speaks EHLO/HELO, MAIL,
RCPT, DATA, RSET, NOOP and QUIT, without STARTTLS or AUTH; `replies` makes a verb fail.
"""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from alerts.channels import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_signature
from newswatch.settings import (
    AlertRule,
    AlertSettings,
    GazetteerEntry,
    Settings,
    Topic,
    load_settings,
)
from warehouse.records import ArticleRecord, LoadBatch
from warehouse.store import Warehouse

T0 = datetime(2022, 1, 10, 12, 0)
SITE = "steppe-herald.example"
HOOK_SECRET = "test-hook-secret"


def make_article(
    key: str,
    when: datetime,
    mentions: dict[tuple[str, str], int],
    *,
    topics: dict[str, tuple[str, ...]] | None = None,
    title: str | None = None,
    text: str | None = None,
    story_key: str | None = None,
) -> ArticleRecord:
    return ArticleRecord(
        article_key=key,
        url=f"https://{SITE}/{key}",
        canonical_url=f"https://{SITE}/{key}",
        source="herald",
        site=SITE,
        title=title if title is not None else f"Story {key}",
        text=text if text is not None else f"Body of story {key}. " * 20,
        published=when,
        fetched_at=when + timedelta(minutes=30),
        language="en",
        content_hash=f"h-{key}",
        topics=topics or {"csto": ("csto",)},
        mentions=mentions,
        story_key=story_key,
    )


def csto_topic(**update: Any) -> Topic:
    data: dict[str, Any] = {
        "name": "csto",
        "query": "CSTO",
        "gazetteer": [
            GazetteerEntry(
                name="Collective Security Treaty Organization", label="ORG", aliases=["CSTO"]
            ),
            GazetteerEntry(name="Kassym-Jomart Tokayev", label="PERSON", aliases=["Tokayev"]),
            GazetteerEntry(name="Karim Massimov", label="PERSON"),
            GazetteerEntry(name="Vladimir Putin", label="PERSON"),
        ],
        "watchlist": ["CSTO", "kassym-jomart tokayev"],
        "alerts": [
            AlertRule(rule="first_mention"),
            AlertRule(rule="watched_entity"),
            AlertRule(rule="query", query="detained OR arrest*"),
        ],
    }
    data.update(update)
    return Topic(**data)


@pytest.fixture
def article() -> Callable[..., ArticleRecord]:
    """Build an ArticleRecord: article(key, when, mentions, topics=, title=, text=, story_key=)."""
    return make_article


@pytest.fixture
def topic() -> Callable[..., Topic]:
    """The test topic `csto` (first_mention, watched_entity and a query rule)."""
    return csto_topic


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings with the test topic, a tmp warehouse and the given channels and retry knobs."""

    def build(channels: list[Any], topics: list[Topic] | None = None, **alerts: Any) -> Settings:
        base = load_settings(env={})
        return base.model_copy(
            update={
                "db_path": tmp_path / "nw.duckdb",
                "topics": topics if topics is not None else [csto_topic()],
                "alerts": AlertSettings(channels=channels, **alerts),
            }
        )

    return build


def load(settings: Settings, *articles: ArticleRecord, run: str = "run") -> None:
    with Warehouse(settings.db_path) as wh:
        wh.load(LoadBatch(run, articles=list(articles)))


@pytest.fixture
def load_articles() -> Callable[..., None]:
    """Load articles into the settings' warehouse: load_articles(settings, *articles)."""
    return load


@dataclass
class Receiver:
    """A webhook receiver on the local server: checks signatures, keeps bodies, can fail."""

    url: str
    status: int = 200
    bodies: list[dict[str, Any]] = field(default_factory=list)
    signatures_ok: list[bool] = field(default_factory=list)
    hits: int = 0


@pytest.fixture
def receiver(local_server: Any) -> Receiver:
    """POST /hook: verifies X-Newswatch-Signature with HOOK_SECRET; answers `status`."""
    state = Receiver(local_server.url("/hook"))
    lock = threading.Lock()

    def handle(request: Any) -> Any:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.raw.rfile.read(length)  # always read, so keep-alive stays in sync
        with lock:
            state.hits += 1
            if state.status != 200:
                return local_server.Reply(state.status, b"not now")
            ok = verify_signature(
                HOOK_SECRET,
                request.headers.get(TIMESTAMP_HEADER, ""),
                body,
                request.headers.get(SIGNATURE_HEADER, ""),
            )
            state.signatures_ok.append(ok)
            state.bodies.append(json.loads(body))
        return local_server.Reply(200, b"ok")

    local_server.route("/hook", handler=handle)
    return state


@dataclass
class Mail:
    mail_from: str
    rcpts: list[str]
    data: bytes


class SmtpServer:
    """A minimal SMTP server on 127.0.0.1; `replies` overrides the reply to a verb."""

    def __init__(self) -> None:
        self.messages: list[Mail] = []
        self.replies: dict[str, str] = {}
        owner = self

        class Handler(socketserver.StreamRequestHandler):
            def send(self, line: str) -> None:
                self.wfile.write(line.encode("ascii") + b"\r\n")
                self.wfile.flush()

            def handle(self) -> None:
                self.send("220 localhost test SMTP")
                mail_from, rcpts = "", []
                while line := self.rfile.readline():
                    command = line.decode("utf-8", "replace").rstrip("\r\n")
                    verb = command.split(" ", 1)[0].upper()
                    override = owner.replies.get(verb)
                    if override and verb not in ("EHLO", "HELO", "QUIT"):
                        self.send(override)
                    elif verb == "EHLO":
                        self.send("250-localhost")
                        self.send("250 8BITMIME")
                    elif verb == "HELO":
                        self.send("250 localhost")
                    elif verb == "MAIL":
                        mail_from = command.split(":", 1)[1].strip()
                        self.send("250 OK")
                    elif verb == "RCPT":
                        rcpts.append(command.split(":", 1)[1].strip())
                        self.send("250 OK")
                    elif verb == "DATA":
                        self.send("354 end with <CRLF>.<CRLF>")
                        lines = []
                        while (data := self.rfile.readline()) not in (b".\r\n", b""):
                            lines.append(data[1:] if data.startswith(b".") else data)
                        owner.messages.append(Mail(mail_from, rcpts, b"".join(lines)))
                        mail_from, rcpts = "", []
                        self.send("250 queued")
                    elif verb in ("RSET", "NOOP"):
                        self.send("250 OK")
                    elif verb == "QUIT":
                        self.send("221 bye")
                        return
                    else:
                        self.send("502 not implemented")

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class AppriseReceiver:
    """Apprise `json://` notifications arriving on the local server; can fail."""

    url: str  # the apprise URL pointing at it: json://127.0.0.1:<port>/apprise
    status: int = 200
    bodies: list[dict[str, Any]] = field(default_factory=list)
    hits: int = 0


@pytest.fixture
def apprise_receiver(local_server: Any) -> AppriseReceiver:
    """POST /apprise: keeps the JSON bodies apprise sends; answers `status`."""
    state = AppriseReceiver(f"json://127.0.0.1:{local_server.port}/apprise")
    lock = threading.Lock()

    def handle(request: Any) -> Any:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.raw.rfile.read(length)
        with lock:
            state.hits += 1
            if state.status != 200:
                return local_server.Reply(state.status, b"not now")
            state.bodies.append(json.loads(body))
        return local_server.Reply(200, b"ok")

    local_server.route("/apprise", handler=handle)
    return state
