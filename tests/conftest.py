"""Shared fixtures: a real HTTP server on 127.0.0.1 whose routes each test registers.

Usage::

    def test_x(local_server):
        local_server.route("/feed.xml", body=b"<rss/>", headers={"Content-Type": "text/xml"})
        Reply = local_server.Reply  # conftest itself isn't importable under importlib mode
        local_server.sequence("/flaky", [Reply(503), Reply(503), Reply(200, b"ok")])
        local_server.route("/echo", handler=lambda req: Reply(200, req.headers["X-A"].encode()))
        url = local_server.url("/feed.xml")
        ...
        assert local_server.counts["/feed.xml"] == 1
        assert local_server.headers_seen("/feed.xml")[0]["User-Agent"].startswith("newswatch")

A handler gets a `Request` and returns a `Reply`, or None after writing (or deliberately not
writing) its own response through `request.raw`; the connection is then closed.
"""

from __future__ import annotations

import hashlib
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import pytest
import yaml


@dataclass
class Reply:
    """A canned response."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    chunked: bool = False  # Transfer-Encoding: chunked instead of Content-Length
    delay: float = 0.0  # seconds to sleep before answering (read-timeout tests)


@dataclass
class Request:
    """What a handler sees: the request, its 1-based count for this path, the raw handler."""

    method: str
    path: str
    query: str
    headers: Message
    count: int
    raw: BaseHTTPRequestHandler


Handler = Callable[[Request], Reply | None]
_Reply = Reply
_Request = Request


class _QuietServer(ThreadingHTTPServer):
    """Doesn't print tracebacks for clients that hang up, which the tests do on purpose."""

    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class LocalServer:
    """A ThreadingHTTPServer on 127.0.0.1:<free port> serving registered routes."""

    # Test modules can't import conftest under --import-mode=importlib; they use these.
    Reply: ClassVar[type[_Reply]] = _Reply
    Request: ClassVar[type[_Request]] = _Request

    def __init__(self) -> None:
        self._routes: dict[str, Handler] = {}
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.requests: list[Request] = []
        self._httpd = _QuietServer(("127.0.0.1", 0), _make_handler(self))
        self.port: int = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        """The absolute URL of `path` on this server."""
        return self.base_url + path

    def route(
        self,
        path: str,
        status: int = 200,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        handler: Handler | None = None,
    ) -> None:
        """Serve `path` (query string ignored) with a fixed reply, or with `handler`."""
        if handler is None:
            reply = Reply(status, body, dict(headers or {}))
            handler = lambda _request: reply  # noqa: E731
        with self._lock:
            self._routes[path] = handler

    def sequence(self, path: str, replies: Sequence[_Reply]) -> None:
        """Serve `replies` in order on successive requests; the last one repeats."""
        items = list(replies)
        self.route(path, handler=lambda request: items[min(request.count, len(items)) - 1])

    def headers_seen(self, path: str) -> list[Message]:
        """Request headers of every request to `path`, in arrival order (case-insensitive)."""
        with self._lock:
            return [r.headers for r in self.requests if r.path == path]

    def start(self) -> None:
        """Serve in a daemon thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket; handler threads are daemons and not awaited."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _dispatch(self, raw: BaseHTTPRequestHandler) -> None:
        """Record the request and answer it from its route."""
        parts = urlsplit(raw.path)
        with self._lock:
            self.counts[parts.path] += 1
            request = Request(
                raw.command, parts.path, parts.query, raw.headers, self.counts[parts.path], raw
            )
            self.requests.append(request)
            handler = self._routes.get(parts.path)
        reply = Reply(404, b"no route") if handler is None else handler(request)
        if reply is None:
            raw.close_connection = True
            return
        _send(raw, reply)


def _send(raw: BaseHTTPRequestHandler, reply: Reply) -> None:
    """Write `reply` to the client."""
    if reply.delay:
        time.sleep(reply.delay)
    raw.send_response(reply.status)
    names = {name.lower() for name in reply.headers}
    for name, value in reply.headers.items():
        raw.send_header(name, value)
    if reply.chunked:
        raw.send_header("Transfer-Encoding", "chunked")
    elif "content-length" not in names:
        raw.send_header("Content-Length", str(len(reply.body)))
    raw.end_headers()
    if raw.command == "HEAD":
        return
    if reply.chunked:
        for start in range(0, len(reply.body), 1024):
            piece = reply.body[start : start + 1024]
            raw.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        raw.wfile.write(b"0\r\n\r\n")
    else:
        raw.wfile.write(reply.body)
    raw.wfile.flush()


def _make_handler(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to `server`."""

    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self) -> None:
            try:
                server._dispatch(self)
            except ConnectionError:
                # The client gave up first (timeout and oversize tests); nothing to report.
                self.close_connection = True

        do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _any

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return _Handler


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    """A fresh local HTTP server per test."""
    server = LocalServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "csto-2022"


@pytest.fixture
def sample_site(local_server: LocalServer) -> LocalServer:
    """The local server serving the sample archive: feeds (links rewritten to point at it,
    with ETags and 304s) at /feeds/rss.xml and /feeds/atom.xml, pages at /<host>/<path>."""
    prefix = local_server.url("/").encode()
    for name in ("rss.xml", "atom.xml"):
        body = (SAMPLE / "feeds" / name).read_bytes().replace(b"https://", prefix)
        etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'

        def feed(request: Request, body: bytes = body, etag: str = etag) -> Reply:
            if request.headers.get("If-None-Match") == etag:
                return Reply(304, b"", {"ETag": etag})
            return Reply(200, body, {"Content-Type": "application/rss+xml", "ETag": etag})

        local_server.route(f"/feeds/{name}", handler=feed)
    for page in (SAMPLE / "pages").rglob("*.html"):
        rel = page.relative_to(SAMPLE / "pages").as_posix()
        local_server.route(
            f"/{rel}", body=page.read_bytes(), headers={"Content-Type": "text/html; charset=utf-8"}
        )
    return local_server


ROOT = Path(__file__).resolve().parents[1]


PIPELINE_SECTIONS = ("db_path", "interval_minutes", "fetch", "poll", "clean", "stories", "nlp")


@pytest.fixture(scope="session")
def make_config(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Write a config folder: the shipped settings and csto topic with the given sources YAML
    (indented list items) and extra top-level YAML; returns the folder."""

    def make(sources: str, extra: str = "") -> Path:
        folder = tmp_path_factory.mktemp("config")
        (folder / "topics").mkdir()
        topic = (ROOT / "config" / "topics" / "csto.yaml").read_text(encoding="utf-8")
        (folder / "topics" / "csto.yaml").write_text(topic, encoding="utf-8")
        shipped = yaml.safe_load((ROOT / "config" / "newswatch.yaml").read_text(encoding="utf-8"))
        # The pipeline's sections as shipped; alerts, airflow and the rest at their defaults.
        config = {k: shipped[k] for k in PIPELINE_SECTIONS if k in shipped}
        # The tests' sources live on 127.0.0.1, which the SSRF guard refuses unless allow-listed.
        config["fetch"] = {**config.get("fetch", {}), "allow_hosts": ["127.0.0.1:*"]}
        config["sources"] = yaml.safe_load("sources:\n" + sources)["sources"] or []
        config.update(yaml.safe_load(extra) or {})
        (folder / "newswatch.yaml").write_text(
            yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        return folder

    return make


@pytest.fixture(scope="session")
def big_archive(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], Path]:
    """An archive of N pages made from the sample's pages (each under its own URL, with its own
    dispatch line) and one RSS feed listing them all."""

    def make(n: int) -> Path:
        folder = tmp_path_factory.mktemp(f"archive{n}")
        pages = sorted((SAMPLE / "pages").rglob("*.html"))
        items = []
        for i in range(n):
            src = pages[i % len(pages)]
            rel = src.relative_to(SAMPLE / "pages")
            host, path = rel.parts[0], "/".join(rel.parts[1:]).removesuffix(".html")
            dest = folder / "pages" / host / f"{path}-{i:04d}.html"
            dest.parent.mkdir(parents=True, exist_ok=True)
            note = (
                f"<p>Dispatch {i:04d} of this desk adds that the account above was checked "
                f"again on day {i % 28 + 1} of the month with two further sources.</p>"
            )
            html = src.read_text(encoding="utf-8")
            # Each copy names itself as canonical: the page's own URL is the article's key.
            html = html.replace(f"/{path}.html", f"/{path}-{i:04d}.html")
            dest.write_text(html.replace("</p>", "</p>" + note, 1), encoding="utf-8")
            day = i % 28 + 1
            items.append(
                f"<item><title>Item {i}</title><link>https://{host}/{path}-{i:04d}.html</link>"
                f"<guid>item-{i}</guid><pubDate>Mon, {day:02d} Jan 2022 10:00:00 GMT</pubDate>"
                "</item>"
            )
        (folder / "feeds").mkdir()
        (folder / "feeds" / "all.xml").write_text(
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>big</title>'
            + "".join(items)
            + "</channel></rss>",
            encoding="utf-8",
        )
        return folder

    return make
