"""Which trafilatura settings serve news best, and what newswatch's filters add.

Scores every sample page against its ground-truth body (samples/csto-2022/articles.yaml):
bag-of-words precision, recall and F1, plus how many known boilerplate strings survive.
Run: .venv/bin/python bench/clean_quality.py [archive-folder]
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import trafilatura
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extractors.boilerplate import article_marks, drop_lines, short_lines, template_lines
from extractors.clean import extract_article
from newswatch.settings import ArchiveSource, load_settings
from newswatch.steps import archive_page

BOILERPLATE = [
    "Content is protected",
    "Jul 6th",
    "min read",
    "ALSO READ",
    "Share on",
    "We use cookies",
    "Advertisement",
    "Leave a Reply",
    "You may also like",
    "Related posts",
    "Follow us",
    "Tags:",
]
WORD = re.compile(r"\w+", re.UNICODE)
VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "favor_precision": {"favor_precision": True},
    "favor_recall": {"favor_recall": True},
    "fast (no fallback)": {"fast": True},
    "precision, no tables": {"favor_precision": True, "include_tables": False},
    "precision, fast": {"favor_precision": True, "fast": True},
}


def words(text: str) -> Counter[str]:
    """Lower-case word multiset."""
    return Counter(w.casefold() for w in WORD.findall(text))


def score(got: str, truth: str) -> tuple[float, float, float]:
    """Bag-of-words precision, recall, F1."""
    g, t = words(got), words(truth)
    overlap = sum((g & t).values())
    p = overlap / max(1, sum(g.values()))
    r = overlap / max(1, sum(t.values()))
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def truth_text(article: dict[str, Any]) -> str:
    """Ground-truth body: subheadings and paragraphs in order."""
    heads = {int(k): v for k, v in (article.get("subheadings") or {}).items()}
    parts = []
    for i, para in enumerate(article["paragraphs"]):
        if i in heads:
            parts.append(heads[i])
        parts.append(para)
    return "\n".join(parts)


def main() -> None:
    """Print one row per setting."""
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("samples/csto-2022")
    articles = yaml.safe_load((folder / "articles.yaml").read_text(encoding="utf-8"))
    source = ArchiveSource(kind="archive", name="bench", path=folder.resolve())
    pages = []
    for a in articles:
        path = archive_page(source, a["url"])
        assert path is not None, a["url"]
        pages.append((a, path.read_text(encoding="utf-8")))
    settings = load_settings(env={}).clean

    print(f"{len(pages)} pages, {sum(len(truth_text(a).split()) for a, _ in pages)} truth words")
    print(f"{'setting':<34}{'prec':>7}{'recall':>8}{'F1':>7}{'boilerplate':>13}{'ms/page':>9}")
    for name, kwargs in VARIANTS.items():
        outs, start = [], time.perf_counter()
        for a, html in pages:
            outs.append(
                trafilatura.extract(html, url=a["url"], include_comments=False, **kwargs) or ""
            )
        ms = (time.perf_counter() - start) * 1000 / len(pages)
        _row(f"trafilatura {name}", outs, pages, ms)

    extract_article(pages[0][1], pages[0][0]["url"], settings)  # load lazy models before timing
    start = time.perf_counter()
    cleaned = [extract_article(html, a["url"], settings).article for a, html in pages]
    texts = [c.text if c else "" for c in cleaned]
    _row(
        "newswatch: + phrases/patterns",
        texts,
        pages,
        (time.perf_counter() - start) * 1000 / len(pages),
    )
    sites = [c.site if c else None for c in cleaned]
    template = template_lines(
        [(s, t, article_marks(t)) for s, t in zip(sites, texts, strict=True)],
        {},
        settings.repeated_line_min_articles,
        settings.repeated_line_max_chars,
    )
    final = [drop_lines(t, drop) for t, drop in zip(texts, template, strict=True)]
    _row(
        "newswatch: + site-repeated lines",
        final,
        pages,
        (time.perf_counter() - start) * 1000 / len(pages),
    )
    lines = len(set().union(*template))
    print(
        f"(site-repeated lines learnt from the batch: {lines}; "
        f"short lines per page: {sum(len(short_lines(t, 200)) for t in texts) / len(texts):.1f})"
    )


def _row(name: str, outs: list[str], pages: list[tuple[dict[str, Any], str]], ms: float) -> None:
    """Print the averaged scores of one setting."""
    scores = [score(o, truth_text(a)) for o, (a, _) in zip(outs, pages, strict=True)]
    n = len(scores)
    p, r, f = (sum(s[i] for s in scores) / n for i in range(3))
    left = sum(o.lower().count(b.lower()) for o in outs for b in BOILERPLATE)
    print(f"{name:<34}{p:>7.3f}{r:>8.3f}{f:>7.3f}{left:>13}{ms:>9.1f}")


if __name__ == "__main__":
    main()
