"""Pages that stand in for an article: anti-bot challenges, JavaScript walls, consent walls and
paywall stubs. They are recorded as blocked, never stored as articles."""

from __future__ import annotations

import re

# Markers a challenge page carries whatever its length: no article page has them. The
# scripts bot-protection services load on every page of a site they guard (Cloudflare's
# /cdn-cgi/challenge-platform/scripts/jsd/, DataDome's tags.js) are not among them: on a
# public benchmark of 2026 pages they turned away 25 forum threads, Q&A and product pages.
# Challenge pages run Cloudflare's orchestrator (.../challenge-platform/h/ or /orchestrate/)
# with its _cf_chl_opt, or serve DataDome's and PerimeterX's captchas.
_CHALLENGE = re.compile(
    r"cf-challenge|cf_chl_|/cdn-cgi/challenge-platform/(?:h/|orchestrate/)"
    r"|checking your browser before|ddos protection by|attention required! \| cloudflare"
    r"|px-captcha|captcha-delivery|verify (?:that )?you are (?:a )?human|are you a robot",
)
# Markers that mean "blocked" only on a page with little text besides them.
_WALLS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("anti-bot challenge", re.compile(r"just a moment\.\.\.|captcha|unusual traffic")),
    (
        "JavaScript required",
        re.compile(
            r"(?:please |you need to |must )?enable javascript|javascript is (?:required|disabled)"
            r"|requires javascript"
        ),
    ),
    (
        "consent wall",
        re.compile(
            r"we value your privacy|before you continue to|manage (?:your )?consent"
            r"|consent to (?:the use of )?cookies|accept (?:all )?cookies to continue"
        ),
    ),
    (
        "paywall",
        re.compile(
            r"subscribe to (?:continue|keep) reading|for subscribers only|subscriber[- ]only"
            r"|already a subscriber|to continue reading,? (?:please )?(?:log|sign) in"
            r"|this (?:article|content) is for (?:paid )?subscribers"
        ),
    ),
)
_SCRIPT_STYLE = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
# What a reader of a wall sees: noscript content counts ("please enable JavaScript").
_CODE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
# A real article page carries far more visible text than a wall does.
SHORT_PAGE_CHARS = 1500
SCAN_CHARS = 300_000


def visible_text_length(html: str) -> int:
    """Rough length of the text a reader would see (markup, scripts and styles removed)."""
    text = _TAGS.sub(" ", _SCRIPT_STYLE.sub(" ", html))
    return len(_SPACE.sub(" ", text).strip())


def detect_block(html: str) -> str | None:
    """Why this page is a stand-in rather than an article, or None. Challenge markers count
    anywhere in the markup; wall phrases only in the text a reader sees, since scripts of
    real articles mention captchas and consent too."""
    head = html[:SCAN_CHARS]
    if _CHALLENGE.search(head.lower()):
        return "anti-bot challenge"
    if visible_text_length(head) >= SHORT_PAGE_CHARS:
        return None
    seen = _SPACE.sub(" ", _TAGS.sub(" ", _CODE.sub(" ", head))).lower()
    for reason, pattern in _WALLS:
        if pattern.search(seen):
            return reason
    return None
