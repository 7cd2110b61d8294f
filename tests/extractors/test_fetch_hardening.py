"""Fetcher hardening against a real local server: SSRF guard, per-host limits, body bombs,
redirect loops, content types and charsets that lie."""

from __future__ import annotations

import contextlib
import gzip
import itertools
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from typing import Any

import pytest

from extractors import netguard
from extractors.decode import decode_body, mojibake_marks
from extractors.fetch import Fetcher, _HostLimiter
from newswatch.settings import FetchSettings

FAST = FetchSettings(
    connect_timeout=2.0,
    read_timeout=1.0,
    total_timeout=5.0,
    retries=1,
    backoff_initial=0.01,
    backoff_max=0.05,
    concurrency=8,
    allow_hosts=["127.0.0.1:*"],
)


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every socket connect made during the test; only loopback ones are let through, so a
    guard that failed could never reach a private or metadata address from here."""
    seen: list[Any] = []
    real = socket.socket.connect

    def connect(sock: socket.socket, address: Any) -> None:
        seen.append(address)
        if str(address[0]) not in ("127.0.0.1", "::1"):
            raise OSError(f"test: no connection to {address[0]} allowed")
        real(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return seen


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FAST) as f:
        yield f


# --- SSRF guard ---------------------------------------------------------------------------


def test_loopback_without_allow_list_is_refused_and_never_contacted(local_server: Any) -> None:
    local_server.route("/feed.xml", body=b"<rss/>")
    with Fetcher(FAST.model_copy(update={"allow_hosts": []})) as fetcher:
        result = fetcher.fetch(local_server.url("/feed.xml"))
    assert result.error == "refused: 127.0.0.1 is a loopback address"
    assert not result.retryable and result.status is None and result.attempts == 1
    assert sum(local_server.counts.values()) == 0  # not even robots.txt


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://10.0.0.1/", "refused: 10.0.0.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "refused: 169.254.169.254 is a link-local"),
        ("http://[::1]:8080/", "refused: ::1 is a loopback address"),
        ("http://[fd00:ec2::254]/", "refused: fd00:ec2::254 is a private address"),
        ("http://[::ffff:127.0.0.1]/", "refused: ::ffff:127.0.0.1 is a loopback address"),
        ("http://0.0.0.0:80/", "refused: 0.0.0.0 is an unspecified address"),
        ("file:///etc/passwd", "unsupported scheme"),
        ("data:text/html,<p>x</p>", "unsupported scheme"),
        ("gopher://127.0.0.1:70/", "unsupported scheme"),
    ],
)
def test_internal_targets_are_refused(
    fetcher: Fetcher, connects: list[Any], url: str, error: str
) -> None:
    result = fetcher.fetch(url)
    assert result.error is not None and result.error.startswith(error)
    assert not result.retryable and result.status is None
    assert connects == []  # refused before any connect attempt


def test_hostname_resolving_to_loopback_is_refused(local_server: Any, fetcher: Fetcher) -> None:
    local_server.route("/x", body=b"x")
    result = fetcher.fetch(f"http://localhost:{local_server.port}/x")
    assert result.error is not None
    assert result.error.startswith("refused: localhost (") and "loopback" in result.error
    assert sum(local_server.counts.values()) == 0


def test_allow_list_port_must_match_unless_wildcard(local_server: Any) -> None:
    local_server.route("/x", body=b"x")
    url = local_server.url("/x")
    other = FAST.model_copy(update={"allow_hosts": [f"127.0.0.1:{local_server.port + 1}"]})
    with Fetcher(other) as fetcher:
        assert fetcher.fetch(url).error == "refused: 127.0.0.1 is a loopback address"
    exact = FAST.model_copy(update={"allow_hosts": [f"127.0.0.1:{local_server.port}"]})
    with Fetcher(exact) as fetcher:
        assert fetcher.fetch(url).content == b"x"
    by_name = FAST.model_copy(update={"allow_hosts": ["localhost:*"]})
    with Fetcher(by_name) as fetcher:
        assert fetcher.fetch(f"http://localhost:{local_server.port}/x").content == b"x"


@pytest.mark.parametrize(
    ("location", "error"),
    [
        ("http://169.254.169.254/latest/meta-data/", "refused: 169.254.169.254 is a link-local"),
        ("http://10.1.2.3/", "refused: 10.1.2.3 is a private address"),
        ("http://[fe80::1]/", "refused: fe80::1 is a link-local address"),
        ("file:///etc/passwd", "unsupported scheme"),
    ],
)
def test_redirect_to_internal_target_is_refused_at_the_hop(
    fetcher: Fetcher, local_server: Any, connects: list[Any], location: str, error: str
) -> None:
    local_server.route("/jump", status=302, headers={"Location": location})
    result = fetcher.fetch(local_server.url("/jump"))
    assert result.error is not None and result.error.startswith(error)
    assert not result.retryable and result.attempts == 1
    assert result.final_url == location
    assert local_server.counts["/jump"] == 1
    # The only connections were to the local server: none to the refused address.
    assert {str(a[0]) for a in connects} == {"127.0.0.1"}


def test_connection_is_pinned_to_the_checked_address(
    local_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name is public at the check, loopback at connect time. The connect-time
    check (which connects only to what it checked) refuses; the server sees nothing."""
    answers = iter([["93.184.216.34"]])
    real = netguard._resolve

    def rebinding(host: str, port: int) -> list[str]:
        if host == "rebind.test":
            return next(answers, ["127.0.0.1"])
        return real(host, port)

    monkeypatch.setattr(netguard, "_resolve", rebinding)
    local_server.route("/x", body=b"x")
    settings = FAST.model_copy(update={"allow_hosts": [], "respect_robots": False, "retries": 0})
    with Fetcher(settings) as fetcher:
        result = fetcher.fetch(f"http://rebind.test:{local_server.port}/x")
    assert result.error is not None
    assert result.error.startswith("refused: rebind.test (127.0.0.1) is a loopback address")
    assert sum(local_server.counts.values()) == 0


# --- per-host limits --------------------------------------------------------------------------


def test_per_host_concurrency_is_never_exceeded(fetcher: Fetcher, local_server: Any) -> None:
    lock = threading.Lock()
    active = 0
    peak = 0
    both_in = threading.Barrier(2, timeout=10)

    def slow(_request: Any) -> Any:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        # The first two requests wait for each other, so the pool must have let two in at once;
        # later ones pass the broken barrier straight away.
        with contextlib.suppress(threading.BrokenBarrierError):
            both_in.wait()
        both_in.abort()
        with lock:
            active -= 1
        return local_server.Reply(200, b"ok")

    for i in range(10):
        local_server.route(f"/p{i}", handler=slow)
    results = list(fetcher.iter_fetch([local_server.url(f"/p{i}") for i in range(10)]))
    assert all(r.ok for r in results)
    assert peak == FAST.per_host_concurrency == 2


class _FakeTime:
    """A clock that only moves when the limiter sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def test_host_limiter_spaces_starts_per_host_by_the_delay() -> None:
    fake = _FakeTime()
    limiter = _HostLimiter(2, clock=fake.clock, sleep=fake.sleep)
    starts: list[tuple[str, float]] = []
    for host in ["a:80", "a:80", "b:80", "a:80"]:
        with limiter.slot(host, 1.5):
            starts.append((host, fake.now))
    # a waits 1.5 s after each of its starts; b has its own schedule and starts at once.
    assert starts == [("a:80", 100.0), ("a:80", 101.5), ("b:80", 101.5), ("a:80", 103.0)]
    assert fake.sleeps == [1.5, 1.5]


def test_host_limiter_does_not_wait_when_the_delay_has_passed() -> None:
    fake = _FakeTime()
    limiter = _HostLimiter(1, clock=fake.clock, sleep=fake.sleep)
    with limiter.slot("a:80", 2.0):
        pass
    fake.now += 5.0  # time spent elsewhere counts toward the spacing
    with limiter.slot("a:80", 2.0):
        pass
    assert fake.sleeps == []


def test_host_limiter_never_lets_more_than_concurrency_in() -> None:
    limiter = _HostLimiter(2)
    inside = threading.Semaphore(0)
    release = threading.Event()
    entered: list[int] = []

    def worker(i: int) -> None:
        with limiter.slot("a:80", 0.0):
            entered.append(i)
            inside.release()
            release.wait(10)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    assert inside.acquire(timeout=10) and inside.acquire(timeout=10)
    assert not inside.acquire(timeout=0.2)  # the third is held at the slot
    assert len(entered) == 2
    release.set()
    for t in threads:
        t.join(10)
    assert len(entered) == 3


def test_per_host_delay_spaces_request_starts(local_server: Any) -> None:
    seen: list[float] = []

    def page(_request: Any) -> Any:
        seen.append(time.monotonic())
        return local_server.Reply(200, b"ok")

    for i in range(3):
        local_server.route(f"/p{i}", handler=page)
    settings = FAST.model_copy(update={"per_host_delay": 0.2, "respect_robots": False})
    with Fetcher(settings) as fetcher:
        assert all(
            r.ok for r in list(fetcher.iter_fetch([local_server.url(f"/p{i}") for i in range(3)]))
        )
    seen.sort()
    assert all(b - a >= 0.2 - 0.02 for a, b in itertools.pairwise(seen))


# --- bodies -----------------------------------------------------------------------------------


def test_gzip_bomb_is_stopped_early_with_bounded_memory(local_server: Any) -> None:
    bomb = gzip.compress(b"\0" * 10_000_000, compresslevel=9)
    assert len(bomb) < 20_000
    headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
    local_server.route("/bomb", body=bomb, headers=headers)
    settings = FAST.model_copy(update={"max_bytes": 1_000_000})
    with Fetcher(settings) as fetcher:
        tracemalloc.start()
        result = fetcher.fetch(local_server.url("/bomb"))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert result.error == "body larger than 1000000 bytes (decompressed)"
    assert not result.retryable and result.content is None
    assert peak < 4_000_000  # never near the 10 MB the bomb inflates to


def test_compression_ratio_guard(local_server: Any) -> None:
    body = zlib.compress(b" " * 3_000_000, 9)
    headers = {"Content-Type": "text/html", "Content-Encoding": "deflate"}
    local_server.route("/ratio", body=body, headers=headers)
    with Fetcher(FAST.model_copy(update={"max_bytes": 5_000_000})) as fetcher:
        result = fetcher.fetch(local_server.url("/ratio"))
    assert result.error == "compression ratio above 100:1 (decompressed)"


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
def test_compressed_pages_decode(fetcher: Fetcher, local_server: Any, encoding: str) -> None:
    page = b"<html><body>" + b"<p>News of the day, told plainly.</p>" * 40 + b"</body></html>"
    if encoding == "gzip":
        body = gzip.compress(page)
    elif encoding == "deflate":
        body = zlib.compress(page)
    else:
        squeezer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        body = squeezer.compress(page) + squeezer.flush()
        encoding = "deflate"
    headers = {"Content-Type": "text/html", "Content-Encoding": encoding}
    local_server.route("/page", body=body, headers=headers)
    result = fetcher.fetch(local_server.url("/page"))
    assert result.ok and result.content == page
    assert local_server.headers_seen("/page")[0]["Accept-Encoding"] == "gzip, deflate"


def test_unknown_content_encoding_is_refused(fetcher: Fetcher, local_server: Any) -> None:
    local_server.route("/br", body=b"xx", headers={"Content-Encoding": "br"})
    assert fetcher.fetch(local_server.url("/br")).error == "unsupported content encoding: br"


def test_redirect_loop_between_two_pages(fetcher: Fetcher, local_server: Any) -> None:
    local_server.route("/a", status=302, headers={"Location": "/b"})
    local_server.route("/b", status=301, headers={"Location": local_server.url("/a")})
    result = fetcher.fetch(local_server.url("/a"))
    assert result.error == "redirect loop"
    assert not result.retryable and result.attempts == 1
    assert (local_server.counts["/a"], local_server.counts["/b"]) == (1, 1)


@pytest.mark.parametrize(
    "content_type", ["image/png", "application/pdf", "application/octet-stream"]
)
def test_unsupported_content_type_is_permanent(
    fetcher: Fetcher, local_server: Any, content_type: str
) -> None:
    local_server.route("/file", body=b"\x89PNG....", headers={"Content-Type": content_type})
    result = fetcher.fetch(local_server.url("/file"))
    assert result.error == f"unsupported content type: {content_type}"
    assert not result.retryable and result.content is None and result.attempts == 1


@pytest.mark.parametrize(
    "content_type",
    [
        "text/html; charset=utf-8",
        "application/xhtml+xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/xml",
        "text/xml; charset=ISO-8859-1",
        "text/plain",
        None,
    ],
)
def test_page_and_feed_content_types_are_accepted(
    fetcher: Fetcher, local_server: Any, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    local_server.route("/doc", body=b"<x/>", headers=headers)
    assert fetcher.fetch(local_server.url("/doc")).content == b"<x/>"


# --- charsets ---------------------------------------------------------------------------------

LYING = "<p>Казахстан: Tokayev’s call to the CSTO — «миротворцы»</p>"


def test_page_declared_latin1_but_utf8_decodes_right(fetcher: Fetcher, local_server: Any) -> None:
    headers = {"Content-Type": "text/html; charset=ISO-8859-1"}
    local_server.route("/lies", body=LYING.encode("utf-8"), headers=headers)
    result = fetcher.fetch(local_server.url("/lies"))
    assert result.content == LYING.encode("utf-8")  # bytes untouched
    assert result.text == LYING


@pytest.mark.parametrize(
    ("content", "content_type", "expected"),
    [
        ("Tokayev’s".encode(), "text/html; charset=iso-8859-1", "Tokayev’s"),
        ("café déjà vu".encode("latin-1"), "text/html; charset=ISO-8859-1", "café déjà vu"),
        ("“quoted” café".encode("cp1252"), "text/html; charset=latin1", "“quoted” café"),
        ("Казахстан".encode("cp1251"), "text/html; charset=windows-1251", "Казахстан"),
        ("Казахстан".encode("koi8-r"), 'text/html; charset="KOI8-R"', "Казахстан"),
        (b"plain ascii", None, "plain ascii"),
        ("\ufeffBOM first".encode(), "text/html; charset=iso-8859-1", "BOM first"),
        ("Ünïcödé".encode("utf-16"), "text/html; charset=utf-16", "Ünïcödé"),
        (
            '<meta charset="windows-1251"><p>Казахстан</p>'.encode("cp1251"),
            "text/html",
            '<meta charset="windows-1251"><p>Казахстан</p>',
        ),
        (
            '<?xml version="1.0" encoding="windows-1251"?><t>Москва</t>'.encode("cp1251"),
            None,
            '<?xml version="1.0" encoding="windows-1251"?><t>Москва</t>',
        ),
    ],
)
def test_decode_body(content: bytes, content_type: str | None, expected: str) -> None:
    assert decode_body(content, content_type) == expected


def test_decode_body_guesses_when_nothing_is_declared() -> None:
    text = (
        "Миротворческие силы ОДКБ прибыли в Казахстан по просьбе президента. "
        "Главы государств обсудили ситуацию в стране и договорились о дальнейших шагах."
    )
    assert decode_body(text.encode("cp1251"), "text/html") == text
    assert decode_body(text.encode("cp1251"), "text/html; charset=no-such-charset") == text


RUSSIAN = "Миротворцы ОДКБ прибыли в Алматы. Президент Токаев поблагодарил союзников. " * 6
FRENCH = "Le président a remercié les alliés à Almaty, où la sécurité était rétablie. " * 4


def _page(text: str) -> str:
    return f"<html><head><title>news</title></head><body><p>{text}</p></body></html>"


def test_a_few_broken_bytes_do_not_garble_a_utf8_page() -> None:
    raw = _page(RUSSIAN).encode()
    broken = raw.replace(" в ".encode(), b" \xff ", 1).replace(" союзников".encode(), b"\xc3(", 1)
    for content_type in ("text/html; charset=utf-8", None, "text/html; charset=windows-1251"):
        text = decode_body(broken, content_type)
        assert "Алматы" in text and "Токаев" in text
        # Only the broken bytes are lost, each as one replacement character.
        assert mojibake_marks(text) == ["\ufffd", "\ufffd"]


@pytest.mark.parametrize(
    ("text", "encoding", "label"),
    [
        (RUSSIAN, "cp1251", "iso-8859-1"),  # lying: every byte is a Latin-1 character
        (RUSSIAN, "koi8-r", "windows-1251"),  # lying: every byte is a cp1251 letter too
        (RUSSIAN, "cp1251", "koi8-r"),
        (FRENCH, "latin-1", "windows-1251"),
        (FRENCH, "latin-1", None),  # charset_normalizer alone reads Mac Central European
        (RUSSIAN, "utf-16-le", None),  # no byte-order mark
        (RUSSIAN, "utf-16-be", "utf-16"),
        (FRENCH, "cp1252", "utf-16"),  # lying: 8-bit bytes with no zero byte
    ],
)
def test_lying_or_missing_declarations_still_give_the_text(
    text: str, encoding: str, label: str | None
) -> None:
    page = _page(text)
    content_type = f"text/html; charset={label}" if label else "text/html"
    decoded = decode_body(page.encode(encoding), content_type)
    assert decoded == page
    assert mojibake_marks(decoded) == []


def test_mojibake_marks_flag_wrong_decodings_only() -> None:
    clean = "Kassym-Jomart Tokayev’s “CSTO” café — déjà, Ελλάδα, Türkiye, Łódź, ВВП СССР"
    assert mojibake_marks(clean) == []
    for wrong in (
        "Алматы".encode().decode("latin-1"),
        "Алматы".encode().decode("cp1251"),
        "Алматы".encode("cp1251").decode("latin-1"),
        "Алматы".encode("cp1251").decode("koi8-r"),
        "café".encode().decode("cp1252"),
    ):
        assert mojibake_marks(wrong), wrong
