"""URL canonicalisation: article keys survive tracking tags and case noise, never merge
different articles, and never raise."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.urls import article_url, canonical_url, site_of, url_key

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


def test_rendering_variants_of_one_article_share_its_key():
    plain = "https://news.example/world/2022/01/06/csto-troops.html"
    variants = [
        "http://news.example/world/2022/01/06/csto-troops.html",
        "https://www.news.example/world/2022/01/06/csto-troops.html",
        "https://NEWS.EXAMPLE:443/world/2022/01/06/csto-troops.html",
        "https://m.news.example/world/2022/01/06/csto-troops.html",
        "https://amp.news.example/world/2022/01/06/csto-troops.html",
        "https://news.example/amp/world/2022/01/06/csto-troops.html",
        "https://news.example/world/2022/01/06/csto-troops.amp.html",
        "https://news.example/world/2022/01/06/csto-troops.html?amp=1",
        "https://news.example/world/2022/01/06/csto-troops.html?outputType=amp",
        "https://news.example/world/2022/01/06/csto-troops.html?utm_source=tg&utm_medium=social",
        "https://news.example/world/2022/01/06/csto-troops.html#comments",
    ]
    assert {url_key(v) for v in variants} == {url_key(plain)}
    folder = "https://news.example/world/csto-troops"
    assert url_key(folder + "/") == url_key(folder) == url_key(folder + "/amp")
    assert url_key(folder + "/index.html") == url_key(folder)


def test_short_hosts_and_real_subdomains_are_not_folded():
    # "m.co" is a site, not the mobile mirror of "co"; other subdomains are other sites.
    assert canonical_url("https://m.co/a") == "https://m.co/a"
    assert url_key("https://world.news.example/a") != url_key("https://news.example/a")
    assert url_key("https://news.example/amplify") != url_key("https://news.example/")
    assert site_of("https://m.News.example/a/b") == "news.example"


def test_rel_canonical_is_trusted_only_on_the_same_site_and_for_an_article():
    fetched = "https://news.example/story?id=7&utm_campaign=x"
    same = article_url(fetched, "https://www.news.example/world/story-7")
    assert same.canonical == "https://news.example/world/story-7" and not same.declared_elsewhere
    # A template that points every page at the home page must not merge the site's articles.
    home = article_url(fetched, "https://news.example/")
    assert home.canonical == "https://news.example/story?id=7"
    # Another site named as canonical: a syndication hint, never this copy's own key.
    elsewhere = article_url(fetched, "https://wire.example/reports/7")
    assert elsewhere.canonical == "https://news.example/story?id=7"
    assert elsewhere.declared_elsewhere == "https://wire.example/reports/7"
    for junk in (None, "", "  ", "javascript:void(0)", "mailto:desk@news.example"):
        assert article_url(fetched, junk).canonical == "https://news.example/story?id=7"
