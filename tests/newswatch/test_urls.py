"""URL canonicalisation: article keys survive tracking tags and case noise, never merge
different articles, and never raise."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newswatch.pipeline import canonical_url, url_key

hosts = st.from_regex(r"[a-z][a-z0-9-]{0,10}\.(example|test|org)", fullmatch=True)
segments = st.lists(st.from_regex(r"[a-z0-9][a-z0-9_-]{0,8}", fullmatch=True), max_size=4)
params = st.dictionaries(
    st.from_regex(r"(id|p|page|story|article|q)[0-9]?", fullmatch=True),
    st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True),
    max_size=3,
)
tracking = st.dictionaries(
    st.sampled_from(["utm_source", "utm_medium", "utm_campaign", "fbclid", "gclid"]),
    st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True),
    max_size=3,
)


def build(scheme: str, host: str, path: list[str], query: dict[str, str], frag: str = "") -> str:
    q = "&".join(f"{k}={v}" for k, v in query.items())
    return f"{scheme}://{host}/{'/'.join(path)}" + (f"?{q}" if q else "") + frag


@settings(max_examples=200, deadline=None)
@given(hosts, segments, params, tracking, st.sampled_from(["", "#top", "#comments"]))
def test_tracking_fragment_and_case_do_not_change_the_key(host, path, query, track, frag):
    plain = build("https", host, path, query)
    noisy = build("HTTPS", host.upper(), path, {**query, **track}, frag)
    assert url_key(noisy) == url_key(plain)
    assert canonical_url(canonical_url(noisy)) == canonical_url(noisy)  # idempotent


@settings(max_examples=200, deadline=None)
@given(hosts, segments, params, params)
def test_articles_that_differ_in_a_real_parameter_keep_different_keys(host, path, a, b):
    if a == b:
        return
    assert url_key(build("https", host, path, a)) != url_key(build("https", host, path, b))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_never_raises_on_any_text(text):
    assert isinstance(canonical_url(text), str) and len(url_key(text)) == 32


def test_parameter_order_is_irrelevant_and_examples():
    assert url_key("https://x.example/a?b=2&a=1") == url_key("https://x.example/a?a=1&b=2")
    assert canonical_url("https://x.example/story.php?id=123&utm_source=tw#c") == (
        "https://x.example/story.php?id=123"
    )
    assert url_key("https://x.example/story.php?id=1") != url_key(
        "https://x.example/story.php?id=2"
    )
