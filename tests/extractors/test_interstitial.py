"""Stand-in pages (challenges, walls, paywall stubs) are blocked; real articles are not."""

from pathlib import Path

import pytest

from extractors.clean import extract_article
from extractors.interstitial import detect_block
from newswatch.settings import load_settings

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"

CHALLENGE = """<!DOCTYPE html><html><head><title>Just a moment...</title>
<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1"></script></head>
<body><div id="cf-challenge-running">Checking your browser before accessing the site.</div>
</body></html>"""
JS_WALL = """<html><head><title>Steppe Daily</title></head><body><noscript>
<p>Please enable JavaScript to view this page.</p></noscript><div id="root"></div>
<script>window.__APP__={}</script></body></html>"""
CONSENT = """<html><body><div class="overlay"><h2>We value your privacy</h2>
<p>We and our partners store and access information on your device.</p>
<button>Accept all</button><button>Reject all</button><a>Manage consent</a></div></body></html>"""
PAYWALL = """<html><head><title>Inside the Kremlin's calculus | Eurasia Ledger</title></head>
<body><article><h1>Inside the Kremlin's calculus</h1><p>Moscow weighed the request from
Nur-Sultan for less than a day before the first aircraft took off.</p>
<div class="paywall"><p>Subscribe to continue reading.</p><p>Already a subscriber? Log in</p>
</div></article></body></html>"""
CAPTCHA = """<html><body><h1>Are you a robot?</h1><p>We have detected unusual traffic.</p>
<form><div class="g-recaptcha"></div></form></body></html>"""


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        (CHALLENGE, "anti-bot challenge"),
        (JS_WALL, "JavaScript required"),
        (CONSENT, "consent wall"),
        (PAYWALL, "paywall"),
        (CAPTCHA, "anti-bot challenge"),
    ],
)
def test_stand_in_pages_are_blocked_with_their_kind(html, reason):
    assert detect_block(html) == reason
    out = extract_article(html, "https://x.example/a", load_settings(env={}).clean)
    assert out.article is None and out.reason == f"blocked: {reason}"


def test_articles_that_mention_cookies_or_subscriptions_are_not_blocked():
    page = (PAGES / "banner_site.html").read_text(encoding="utf-8")
    assert detect_block(page) is None
    # A long article with a cookie banner and a newsletter box is still an article.
    glued = (PAGES / "glued_notice.html").read_text(encoding="utf-8")
    extended = glued.replace(
        "</div>\n<h3>",
        "<p>"
        + "Officials said more. " * 80
        + "</p><p>Subscribe to our newsletter.</p></div>\n<h3>",
    )
    assert detect_block(extended) is None
    assert extract_article(extended, "https://x.example/g", load_settings(env={}).clean).article


# What Cloudflare and DataDome put on every page of a site they guard, challenged or not.
GUARD_SCRIPTS = (
    "<script>(function(){var a=document.createElement('script');"
    "a.src='/cdn-cgi/challenge-platform/scripts/jsd/main.js';document.head.appendChild(a)})()"
    "</script><link rel='preload' href='https://js.datadome.co/tags.js' as='script'>"
)


def test_the_scripts_of_a_guarded_site_do_not_make_a_short_page_a_challenge():
    answer = (
        "<p>Book a one-way fare first, and the return once your residence permit is granted; "
        "airlines sell changeable tickets for a small fee.</p>"
    )
    page = (
        f"<html><head><title>How to book flights</title>{GUARD_SCRIPTS}</head>"
        f"<body><main><h1>How to book flights when moving</h1>{answer}</main></body></html>"
    )
    assert detect_block(page) is None
    out = extract_article(page, "https://x.example/q/964", load_settings(env={}).clean)
    assert out.reason is None or not out.reason.startswith("blocked"), out.reason


@pytest.mark.parametrize(
    "marker",
    [
        "<script>window._cf_chl_opt={cvId: '3'};</script>",
        '<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=1"></script>',
        "<script src='https://ct.captcha-delivery.com/c.js'></script>",
        '<div id="px-captcha"></div>',
    ],
)
def test_a_challenge_page_of_each_service_is_still_blocked(marker):
    page = f"<html><head>{GUARD_SCRIPTS}{marker}</head><body><p>One moment.</p></body></html>"
    assert detect_block(page) == "anti-bot challenge"
