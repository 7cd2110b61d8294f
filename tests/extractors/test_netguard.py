"""The SSRF guard's address rules, allow-list parsing and host checks (no network needed)."""

from __future__ import annotations

import ipaddress
import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.netguard import (
    AddressRefused,
    NetGuard,
    is_public_address,
    parse_allow_entry,
    refusal_reason,
)

SPECIAL_V6 = [
    "::/128",
    "::1/128",
    "::ffff:0:0/96",
    "64:ff9b::/96",
    "64:ff9b:1::/48",
    "2002::/16",
    "2001::/32",
    "2001:db8::/32",
    "fe80::/10",
    "fc00::/7",
    "ff00::/8",
    "fec0::/10",
]
SPECIAL_V4 = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "224.0.0.0/4",
    "240.0.0.0/4",
]

ipv4s = st.one_of(
    st.ip_addresses(v=4),
    st.sampled_from(SPECIAL_V4).flatmap(lambda n: st.ip_addresses(network=n)),
)
ipv6s = st.one_of(
    st.ip_addresses(v=6),
    st.sampled_from(SPECIAL_V6).flatmap(lambda n: st.ip_addresses(network=n)),
)


def _flags(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_unspecified
        or ip.is_reserved
    )


def _embedded(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if ip in ipaddress.ip_network("64:ff9b::/96") or ip in ipaddress.ip_network("64:ff9b:1::/48"):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


@given(ipv4s)
def test_ipv4_public_exactly_when_ipaddress_says_global_and_nothing_special(
    ip: ipaddress.IPv4Address,
) -> None:
    assert is_public_address(ip) == (ip.is_global and not _flags(ip))
    assert is_public_address(str(ip)) == is_public_address(ip)


@given(ipv6s)
def test_ipv6_public_agrees_with_ipaddress_and_embedded_ipv4(ip: ipaddress.IPv6Address) -> None:
    public = is_public_address(ip)
    embedded = _embedded(ip)
    if public:
        assert ip.is_global and not _flags(ip)
        assert embedded is None or is_public_address(embedded)
    if embedded is not None and not is_public_address(embedded):
        assert not public  # e.g. ::ffff:127.0.0.1, 64:ff9b::a00:1, 2002:a9fe:a9fe::
    if embedded is None and ip.is_global and not _flags(ip) and not ip.is_site_local:
        assert public


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "link-local"),
        ("64:ff9b::a9fe:a9fe", "link-local"),
        ("2002:7f00:1::", "loopback"),
        ("100.64.0.1", "non-public"),
    ],
)
def test_refusal_reasons(address: str, reason: str) -> None:
    assert refusal_reason(ipaddress.ip_address(address)) == reason
    assert not is_public_address(address)


def test_cloud_metadata_and_reserved_addresses_are_refused() -> None:
    for address in ["169.254.169.254", "fd00:ec2::254", "240.0.0.1", "255.255.255.255"]:
        assert not is_public_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert is_public_address(address)


def test_allow_entries_parse() -> None:
    assert parse_allow_entry("127.0.0.1:8081") == parse_allow_entry(" 127.0.0.1:8081 ")
    entry = parse_allow_entry("LocalHost:*")
    assert (entry.host, entry.port) == ("localhost", None)
    v6 = parse_allow_entry("[::1]:8080")
    assert (v6.host, v6.port) == ("::1", 8080)
    for bad in ["localhost", "::1:80", "host:http", "host:0", ":80", "host:"]:
        with pytest.raises(ValueError):
            parse_allow_entry(bad)


def test_settings_reject_a_malformed_allow_entry() -> None:
    from pydantic import ValidationError

    from newswatch.settings import FetchSettings

    with pytest.raises(ValidationError, match="host:port"):
        FetchSettings(allow_hosts=["localhost"])


def test_guard_checks_literals_names_and_allow_list() -> None:
    guard = NetGuard(["127.0.0.1:8081", "[::1]:*"])
    assert guard.check("127.0.0.1", 8081) == ["127.0.0.1"]
    with pytest.raises(AddressRefused, match=r"^127\.0\.0\.1 is a loopback address$"):
        guard.check("127.0.0.1", 8082)
    assert guard.check("[::1]", 1234) == ["::1"]
    with pytest.raises(AddressRefused, match=r"^localhost \(.+\) is a loopback address$"):
        guard.check("localhost", 8081)
    with pytest.raises(AddressRefused, match="link-local"):
        NetGuard().check("169.254.169.254", 80)
    with pytest.raises(socket.gaierror):
        NetGuard().check("newswatch-test.invalid", 80)
