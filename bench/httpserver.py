"""A real HTTP server on 127.0.0.1 whose routes the caller registers: the one the tests' fixtures
and the benches serve feeds, pages and webhook endpoints with.

Usage::

    server = LocalServer()
    server.start()
    server.route("/feed.xml", body=b"<rss/>", headers={"Content-Type": "text/xml"})
    server.sequence("/flaky", [Reply(503), Reply(503), Reply(200, b"ok")])
    server.route("/echo", handler=lambda req: Reply(200, req.headers["X-A"].encode()))
    ...
    assert server.counts["/feed.xml"] == 1
    server.stop()

A handler gets a `Request` and returns a `Reply`, or None after writing (or deliberately not
writing) its own response through `request.raw`; the connection is then closed.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import urlsplit


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

    # Handy for tests, which reach the server through a fixture.
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

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

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
        # Headers and body go out in two writes; with Nagle's algorithm on, the client's delayed
        # ACK then holds every keep-alive response ~40 ms, which no real web server does.
        disable_nagle_algorithm = True

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
