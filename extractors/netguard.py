"""SSRF guard: which hosts and addresses newswatch may connect to.

By default only public unicast addresses are reachable. A host is refused when ANY address it
resolves to is loopback, private, link-local (cloud metadata included), multicast, unspecified,
reserved or otherwise not global, also when hidden in an IPv6 form that embeds an IPv4 address
(IPv4-mapped, 6to4, Teredo, NAT64). `allow_hosts` entries (`host:port`, port may be `*`) let
local sources and tests through.

The check runs twice for every new connection: in `Fetcher` before each request and redirect
hop (for a clear error and so robots.txt is never fetched from a refused host), and inside
`GuardedBackend.connect_tcp`, which resolves, checks and then connects to exactly the checked
addresses. So a DNS answer that changes between the check and the connect (DNS rebinding)
cannot smuggle in an internal address.
"""

from __future__ import annotations

import ipaddress
import socket
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import httpcore

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_PORTS = {"http": 80, "https": 443}

# NAT64 prefixes (RFC 6052, RFC 8215): the low 32 bits are an IPv4 address a gateway reaches.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class AddressRefused(Exception):
    """A host or address the guard refuses; the message reads `<what> is a <kind> address`."""


@dataclass(frozen=True)
class AllowEntry:
    """One `host:port` allow-list entry; port None means any port."""

    host: str
    port: int | None

    def matches(self, host: str, port: int) -> bool:
        return self.host == host and (self.port is None or self.port == port)


def parse_allow_entry(entry: str) -> AllowEntry:
    """Parse `host:port`, `host:*` or `[v6]:port`; raise ValueError when malformed."""
    text = entry.strip().lower()
    host, sep, port_text = text.rpartition(":")
    if not sep or not host or not port_text:
        raise ValueError(f"allow_hosts entry {entry!r} must look like host:port or host:*")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:
        raise ValueError(f"allow_hosts entry {entry!r}: put IPv6 addresses in brackets")
    if port_text == "*":
        return AllowEntry(normalize_host(host), None)
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"allow_hosts entry {entry!r}: port must be 1-65535 or *")
    return AllowEntry(normalize_host(host), int(port_text))


def normalize_host(host: str) -> str:
    """Lower-case, without IPv6 brackets or a trailing dot."""
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host.rstrip(".")


def refusal_reason(address: IPAddress) -> str | None:
    """Why `address` is not a public address ("loopback", "private", ...), or None if it is."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            inner = refusal_reason(embedded)
            if inner is not None:
                return inner
        if address.scope_id:
            return "link-local"
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("site-local", isinstance(address, ipaddress.IPv6Address) and address.is_site_local),
        ("non-public", not address.is_global),
    )
    for kind, hit in checks:
        if hit:
            return kind
    return None


def is_public_address(address: IPAddress | str) -> bool:
    """Whether newswatch may connect to `address` without an allow-list entry."""
    if isinstance(address, str):
        address = ipaddress.ip_address(address)
    return refusal_reason(address) is None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, Teredo, NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # the client; the server is a public relay by definition
    for net in _NAT64:
        if address in net:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _parse_ip(text: str) -> IPAddress | None:
    """An IP address from text, or None for a host name."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


class NetGuard:
    """Decides whether a host:port may be contacted; thread-safe (immutable after init)."""

    def __init__(self, allow_hosts: Iterable[str] = ()) -> None:
        self.allow = tuple(parse_allow_entry(e) for e in allow_hosts)

    def allowed_explicitly(self, host: str, port: int) -> bool:
        host = normalize_host(host)
        return any(entry.matches(host, port) for entry in self.allow)

    def check(self, host: str, port: int) -> list[str]:
        """Resolve `host` and return its addresses if every one may be contacted.

        Raises AddressRefused, or socket.gaierror when the name doesn't resolve.
        """
        name = normalize_host(host)
        literal = _parse_ip(name)
        addresses = [name] if literal is not None else _resolve(name, port)
        if self.allowed_explicitly(name, port):
            return addresses
        for text in addresses:
            parsed = _parse_ip(text)
            reason = "unparsable" if parsed is None else refusal_reason(parsed)
            if reason is not None:
                shown = name if name == text else f"{name} ({text})"
                raise AddressRefused(f"{shown} is {_article(reason)} {reason} address")
        return addresses


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to, in resolver order, without duplicates."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[str, None] = {}
    for _family, _type, _proto, _canon, sockaddr in infos:
        seen.setdefault(str(sockaddr[0]), None)
    if not seen:
        raise socket.gaierror(socket.EAI_NONAME, "no addresses")
    return list(seen)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's sync backend, connecting only to addresses the guard checked just now."""

    def __init__(self, guard: NetGuard) -> None:
        self._guard = guard
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self._guard.check(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        options: Sequence[httpcore.SOCKET_OPTION] = list(socket_options or [])
        last: Exception | None = None
        # Pinned: the socket goes to a checked address, never to a fresh DNS answer.
        for address in addresses:
            try:
                return self._inner.connect_tcp(address, port, timeout, local_address, options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None  # check() returns at least one address
        raise last

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise AddressRefused(f"{path} is a unix socket address")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
