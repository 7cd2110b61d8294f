"""Render the CSTO 2022 sample corpus (csto-2022/articles.yaml) into HTML pages and feeds."""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from samples.layouts import environment

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "csto-2022"

# The date banner a WordPress theme prints on every page: the crawl date, not the publish date.
CRAWL_BANNER = "• Wed. Jul 6th, 2022"
RSS_COUNT = 10  # the first articles go to rss.xml, the rest to atom.xml
# Articles listed in both feeds, so that readers must dedupe by URL.
ATOM_ALSO = ("rl-csto-explainer", "sh-massimov-detained")

# How the copy-protection notice is placed, per template (None: the template's default).
NOTICES: dict[str, tuple[str | None, ...]] = {
    # default: <div><p>notice</p></div>; "bare": <div>notice</div>, which extractors tend to drop
    "banner": (None, "bare"),
    # default: no notice; "glued": the notice is glued to the end of the last paragraph
    "farm": (None, "glued"),
}

MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July", "August")
MONTHS += ("September", "October", "November", "December")

SITES: dict[str, dict[str, Any]] = {
    "steppe-herald.example": {
        "name": "Steppe Herald",
        "template": "banner",
        "handle": "steppeherald",
        "tagline": "Independent news from the heart of Eurasia",
    },
    "reportline.example": {
        "name": "Report Line",
        "template": "wire",
        "handle": "reportline",
        "tagline": "News from Another Angle",
    },
    "eurasia-monitor.example": {
        "name": "Eurasia Monitor",
        "template": "magazine",
        "handle": "eurasiamonitor",
        "tagline": "Independent analysis of Russia, the Caucasus and Central Asia",
        "most_read": [
            "Why Central Asia's gas shortages keep returning every winter",
            "The quiet rise of Russia's private military companies",
            "Georgia's ruling party and the long shadow of its founder",
            "Five charts that explain Armenia's economy after the war",
        ],
    },
    "caspian-daily.example": {
        "name": "Caspian Daily",
        "template": "farm",
        "handle": "caspiandaily",
        "tagline": "Caspian Daily brings you the latest news from around the world, every hour.",
        "filler": [
            "10 Foods That Doctors Say You Should Eat Every Morning",
            "This Village Has Not Seen a Car in 50 Years",
            "Celebrity Couples Who Married in Secret",
        ],
    },
    # Russian-language sites: the deployment was reported first and most in Russian.
    "stepnoy-vestnik.example": {
        "name": "Степной вестник",
        "template": "wire",
        "handle": "stepvestnik",
        "tagline": "Новости Казахстана и Центральной Азии",
    },
    "evrazia-segodnya.example": {
        "name": "Евразия сегодня",
        "template": "banner",
        "handle": "evrazia_today",
        "tagline": "Ежедневная лента событий региона",
    },
    "newsblitz24.example": {
        "name": "NewsBlitz 24",
        "template": "farm",
        "handle": "newsblitz24",
        "tagline": "NewsBlitz 24 brings you the latest news from around the world, every hour.",
        "filler": [
            "Scientists Finally Explain Why Cats Knock Things Off Tables",
            "The Cheapest Countries to Retire in This Year",
            "You Will Not Believe What This Old Coin Is Worth",
        ],
    },
}


@dataclass(frozen=True)
class Article:
    """One article of articles.yaml, with the derived values the templates need."""

    id: str
    site: str
    template: str
    url: str
    title: str
    published: datetime
    author: str | None
    on_topic: bool
    copy_of: str | None
    paragraphs: tuple[str, ...]
    subheadings: dict[int, str]
    summary: str
    section: str
    tags: str
    notice: str | None

    @property
    def host(self) -> str:
        """The URL's host name."""
        return urlsplit(self.url).netloc

    @property
    def page_path(self) -> Path:
        """Where the page goes in the mirror: pages/<host>/<path>."""
        return CORPUS / "pages" / self.host / urlsplit(self.url).path.lstrip("/")

    def context(self) -> dict[str, Any]:
        """The values a page or feed template reads."""
        p = self.published
        words = sum(len(t.split()) for t in self.paragraphs)
        jsonld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": self.title,
            "datePublished": p.isoformat(),
            "mainEntityOfPage": self.url,
            "author": {"@type": "Person", "name": self.author} if self.author else None,
            "publisher": {"@type": "Organization", "name": SITES[self.site]["name"]},
        }
        return {
            "id": self.id,
            "url": self.url,
            "host": self.host,
            "title": self.title,
            "author": self.author,
            "summary": self.summary,
            "section": self.section,
            "tags": self.tags,
            "notice": self.notice,
            "author_slug": (self.author or "").lower().replace(" ", "-"),
            "post_id": 1000 + sum(ord(c) for c in self.id),
            "comments": sum(ord(c) for c in self.id) % 37 + 2,
            "iso": p.isoformat(),
            "rfc822": format_datetime(p),
            "date_short": f"{MONTHS[p.month - 1][:3]} {p.day}, {p.year}",
            "date_long": f"{MONTHS[p.month - 1]} {p.day}, {p.year}",
            "date_mag": f"{p.day} {MONTHS[p.month - 1]} {p.year} · {p:%H:%M}",
            "read_minutes": max(1, math.ceil(words / 200)),
            "jsonld": {k: v for k, v in jsonld.items() if v is not None},
            "blocks": [
                {"heading": self.subheadings.get(i), "text": text}
                for i, text in enumerate(self.paragraphs)
            ],
        }


def _require(ok: bool, message: str) -> None:
    """Raise ValueError with message unless ok."""
    if not ok:
        raise ValueError(f"articles.yaml: {message}")


def load(path: Path) -> list[Article]:
    """Read and validate articles.yaml."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    articles = [
        Article(
            id=r["id"],
            site=r["site"],
            template=r["template"],
            url=r["url"],
            title=r["title"],
            published=datetime.fromisoformat(r["published"]),
            author=r.get("author"),
            on_topic=bool(r["on_topic"]),
            copy_of=r.get("copy_of"),
            paragraphs=tuple(r["paragraphs"]),
            subheadings={int(k): v for k, v in (r.get("subheadings") or {}).items()},
            summary=r["summary"],
            section=r.get("section", "World"),
            tags=r.get("tags", ""),
            notice=r.get("notice"),
        )
        for r in raw
    ]
    ids = {a.id for a in articles}
    _require(len(ids) == len(articles), "duplicate id")
    _require(len({a.url for a in articles}) == len(articles), "duplicate url")
    for a in articles:
        site_ok = a.site in SITES and SITES[a.site]["template"] == a.template
        _require(site_ok, f"{a.id}: unknown site or wrong template")
        url_ok = a.host == a.site and a.url.startswith("https://") and a.url.endswith(".html")
        _require(url_ok, f"{a.id}: url must be https://<site>/...html")
        _require(a.published.tzinfo is not None, f"{a.id}: published needs a timezone")
        _require(a.copy_of is None or a.copy_of in ids, f"{a.id}: copy_of")
        _require(4 <= len(a.paragraphs) <= 10, f"{a.id}: 4-10 paragraphs")
        _require(
            all(0 <= i < len(a.paragraphs) for i in a.subheadings),
            f"{a.id}: subheading index out of range",
        )
        _require(a.notice in NOTICES.get(a.template, (None,)), f"{a.id}: notice")
    return articles


@dataclass(frozen=True)
class Labels:
    """What the sample corpus holds by its labels: the counts tests expect a run to give."""

    on_topic: int
    off_topic: int
    reports: int  # on-topic articles that copy no other: the stories a run should find

    @property
    def items(self) -> int:
        """Every article, each listed by one feed."""
        return self.on_topic + self.off_topic


def labels(path: Path = CORPUS / "articles.yaml") -> Labels:
    """Count the labelled articles of the sample corpus."""
    articles = load(path)
    on = sum(a.on_topic for a in articles)
    reports = sum(a.on_topic and a.copy_of is None for a in articles)
    return Labels(on, len(articles) - on, reports)


def related(article: Article, articles: list[Article], limit: int) -> list[dict[str, Any]]:
    """Other articles of the same site, newest first."""
    same = [b for b in articles if b.site == article.site and b.id != article.id]
    same.sort(key=lambda b: b.published, reverse=True)
    return [b.context() for b in same[:limit]]


def write(path: Path, text: str) -> None:
    """Write UTF-8 text with Unix newlines, creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def build() -> None:
    """Render every page and both feeds, replacing earlier output."""
    env = environment(autoescape=True, trim_blocks=True)
    articles = load(CORPUS / "articles.yaml")
    for folder in ("pages", "feeds"):
        shutil.rmtree(CORPUS / folder, ignore_errors=True)
    for a in articles:
        html = env.get_template(f"{a.template}.html.j2").render(
            a=a.context(),
            site=SITES[a.site],
            crawl_banner=CRAWL_BANNER,
            related=related(a, articles, 4),
            recent=related(a, articles, 5),
        )
        write(a.page_path, html)
    rss = articles[:RSS_COUNT]
    atom = articles[RSS_COUNT:] + [a for a in rss if a.id in ATOM_ALSO]
    for name, items in (("rss", rss), ("atom", atom)):
        newest = max(items, key=lambda a: a.published)
        feed = env.get_template(f"{name}.xml.j2").render(
            items=[a.context() for a in items],
            updated_iso=newest.published.isoformat(),
            updated_rfc822=format_datetime(newest.published),
        )
        write(CORPUS / "feeds" / f"{name}.xml", feed)
    print(f"wrote {len(articles)} pages and 2 feeds under {CORPUS.relative_to(HERE.parent)}")


if __name__ == "__main__":
    build()
