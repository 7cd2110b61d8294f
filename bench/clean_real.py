"""newswatch's cleaner against plain trafilatura on public, annotated real pages, in one run.

Four sets of real pages we did not write stay outside the repository; `--unpack` copies them
out of their git clones into `.bench-data/clean-real/`:

- **aeb** (dev): Zyte's article-extraction-benchmark (MIT), 181 news and blog pages with the
  article body a person marked. Scored by bag-of-words precision, recall and F1 against it;
  leaked boilerplate is the share of output lines (3 words or more) whose words are mostly
  absent from the marked body.
- **readability** (dev): Mozilla Readability's test pages (Apache 2.0), 130 pages (real sites,
  and a few that test one piece of markup) with the article its maintainers accepted as
  Readability's output; scored as aeb.
- **traf** (dev; the test set before): trafilatura's own evaluation pages (Apache 2.0), 990 pages
  of many sites and languages, each with snippets that must appear ("with") and boilerplate
  that must not ("without"). Scored as trafilatura scores itself: a "with" snippet found is a
  true positive, missed a false negative; a "without" snippet found is a false positive
  (leaked).
- **wceb** (test): a 2026 web content extraction benchmark (tiptopjaw, Apache 2.0), 1,000 pages
  of 2025-26 (news, blogs, documentation, forums, product and corporate pages) with main
  content written by a model and checked by a person; scored as aeb.

For each set: newswatch's `extract_article` with the shipped settings (its article text; the
title is stored apart), and trafilatura's default, precision and recall settings (their text,
without metadata): F1, leaked boilerplate, pages rejected, pages wrongly
rejected (newswatch gave no article where trafilatura's default found the page's text:
recall >= 0.5, and the marked article is at least 150 characters), median and mean ms per
page, and every rejection reason with its site.

    git clone https://github.com/scrapinghub/article-extraction-benchmark
    git clone https://github.com/adbar/trafilatura
    git clone https://github.com/mozilla/readability
    git clone https://github.com/tiptopjaw/web-content-extraction-benchmark
    python -m bench.clean_real --unpack --aeb-repo CLONE --traf-repo CLONE \
        --readability-repo CLONE --wceb-repo CLONE
    python -m bench.clean_real --set traf
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import trafilatura

from extractors.clean import extract_article
from newswatch.settings import load_settings

DATA = Path(".bench-data/clean-real")
MIRRORS = {
    "aeb": Path("/work/.mirror/scrapinghub+article-extraction-benchmark/repo"),
    "traf": Path("/work/.mirror/adbar+trafilatura/repo"),
    "readability": Path("/work/.mirror/mozilla+readability/repo"),
    "wceb": Path("/work/.mirror/tiptopjaw+web-content-extraction-benchmark/repo"),
}
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Page:
    """A real page and what a person said its article is."""

    key: str
    url: str
    html: str
    body: str | None = None  # the whole marked body (aeb)
    with_: tuple[str, ...] = ()  # snippets that must appear (traf)
    without: tuple[str, ...] = ()  # snippets that must not


@dataclass
class Score:
    """One extractor's totals over a set."""

    tp: float = 0.0
    fp: float = 0.0
    fn: float = 0.0
    leaked: float = 0.0
    leak_base: float = 0.0
    rejected: int = 0
    wrongly_rejected: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    reasons: Counter[tuple[str, str]] = field(default_factory=Counter)

    def f1(self) -> tuple[float, float, float]:
        """Precision, recall, F1."""
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# --------------------------------------------------------------------------------------------
# The sets
# --------------------------------------------------------------------------------------------


def _read(path: Path) -> str:
    """A page's HTML as text (UTF-8, else Latin-1: these sets are nearly all UTF-8)."""
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def aeb_pages(root: Path = DATA) -> Iterator[Page]:
    """Zyte's benchmark pages with their marked bodies."""
    truth = json.loads((root / "aeb" / "ground-truth.json").read_text(encoding="utf-8"))
    for key, row in sorted(truth.items()):
        path = root / "aeb" / "html" / f"{key}.html.gz"
        if path.exists():
            yield Page(key, row["url"], _read(path), body=row["articleBody"])


def traf_pages(root: Path = DATA) -> Iterator[Page]:
    """trafilatura's evaluation pages with their snippets."""
    data = json.loads((root / "traf" / "evaldata.json").read_text(encoding="utf-8"))
    for url, row in sorted(data.items()):
        for folder in ("eval", "cache"):
            path = root / "traf" / folder / row["file"]
            if path.exists():
                yield Page(
                    row["file"],
                    url,
                    _read(path),
                    with_=tuple(row.get("with") or ()),
                    without=tuple(row.get("without") or ()),
                )
                break


def readability_pages(root: Path = DATA) -> Iterator[Page]:
    """Mozilla Readability's test pages with the article its maintainers accepted."""
    from lxml import html as lxml_html

    for folder in sorted((root / "readability" / "test-pages").glob("*/")):
        source, expected = folder / "source.html", folder / "expected.html"
        if source.exists() and expected.exists():
            body = lxml_html.fromstring(_read(expected)).text_content()
            # Readability's tests serve every page from this address.
            yield Page(folder.name, f"http://fakehost/test/{folder.name}", _read(source), body=body)


def wceb_pages(root: Path = DATA) -> Iterator[Page]:
    """The 2026 web content extraction benchmark's pages with their verified main content."""
    for path in sorted((root / "wceb" / "ground-truth").glob("*.json")):
        row = json.loads(path.read_text(encoding="utf-8"))
        html = root / "wceb" / "html" / f"{row['file_id']}.html.gz"
        truth = row.get("ground_truth") or {}
        if html.exists() and truth.get("main_content"):
            yield Page(row["file_id"], row["url"], _read(html), body=truth["main_content"])


SETS: dict[str, Callable[[], Iterator[Page]]] = {
    "aeb": aeb_pages,
    "readability": readability_pages,
    "traf": traf_pages,
    "wceb": wceb_pages,
}


# --------------------------------------------------------------------------------------------
# Extractors and scoring
# --------------------------------------------------------------------------------------------


def extractors() -> dict[str, Callable[[Page], tuple[str | None, str | None]]]:
    """name -> (page -> (text or None, rejection reason)). newswatch runs with the shipped
    settings plus any NEWSWATCH__CLEAN__* variables (to try a setting)."""
    env = {k: v for k, v in os.environ.items() if k.startswith("NEWSWATCH__CLEAN__")}
    clean = load_settings(env=env).clean

    def newswatch(page: Page) -> tuple[str | None, str | None]:
        out = extract_article(page.html, page.url, clean)
        if out.article is None:
            return None, out.reason
        # The text alone, as trafilatura's output below is (no metadata, so no title): the
        # title is stored apart, and the sets' marked bodies mostly leave the headline out.
        return out.article.text, None

    def traf(**options: bool) -> Callable[[Page], tuple[str | None, str | None]]:
        def run(page: Page) -> tuple[str | None, str | None]:
            text = trafilatura.extract(page.html, url=page.url, with_metadata=False, **options)
            return (text, None) if text else (None, "no text")

        return run

    return {
        "newswatch": newswatch,
        "trafilatura default": traf(),
        "trafilatura precision": traf(favor_precision=True),
        "trafilatura recall": traf(favor_recall=True),
    }


def _norm(text: str) -> str:
    """Text compared without case or spacing."""
    return " ".join(text.casefold().split())


def score_page(page: Page, text: str | None) -> tuple[float, float, float, float, float]:
    """(tp, fp, fn, leaked, leak base) of one output."""
    out = text or ""
    if page.body is not None:
        truth = Counter(_WORD.findall(page.body.casefold()))
        got = Counter(_WORD.findall(out.casefold()))
        tp = sum((truth & got).values())
        truth_words = set(truth)
        lines = [ln for ln in out.splitlines() if len(ln.split()) >= 3]
        leaked = sum(
            1
            for ln in lines
            if sum(w in truth_words for w in _WORD.findall(ln.casefold()))
            < 0.5 * len(_WORD.findall(ln))
        )
        return tp, sum(got.values()) - tp, sum(truth.values()) - tp, leaked, len(lines)
    norm = _norm(out)
    found = sum(_norm(s) in norm for s in page.with_)
    leaked = sum(_norm(s) in norm for s in page.without)
    return found, leaked, len(page.with_) - found, leaked, len(page.without)


# The shortest news brief newswatch stores (clean.min_chars). Readability's set holds pages
# that test one piece of markup around a few words ("Test", "abc def ghi"): rejecting those
# is counted, but not as rejecting a real article.
MIN_ARTICLE_CHARS = 150


def is_article(page: Page) -> bool:
    """Whether the page's marked article is long enough to be one (always, for snippet sets)."""
    return page.body is None or len(" ".join(page.body.split())) >= MIN_ARTICLE_CHARS


def recall_of(page: Page, text: str | None) -> float:
    """How much of the page's article the output holds."""
    tp, _, fn, _, _ = score_page(page, text)
    return tp / (tp + fn) if tp + fn else 0.0


def run(name: str, limit: int | None = None) -> dict[str, Score]:
    """Score every extractor on one set."""
    fns = extractors()
    scores = {k: Score() for k in fns}
    pages = list(SETS[name]())[:limit]
    # First calls load models and stop lists (seconds, once per process): not a page's cost.
    for fn in fns.values():
        for page in pages[:3]:
            fn(page)
    for page in pages:
        outputs = {}
        for k, fn in fns.items():
            t0 = time.perf_counter()
            text, reason = fn(page)
            scores[k].seconds.append(time.perf_counter() - t0)
            outputs[k] = text
            tp, fp, fn_, leaked, base = score_page(page, text)
            s = scores[k]
            s.tp, s.fp, s.fn = s.tp + tp, s.fp + fp, s.fn + fn_
            s.leaked, s.leak_base = s.leaked + leaked, s.leak_base + base
            if text is None:
                s.rejected += 1
                s.reasons[(urlsplit(page.url).hostname or "?", reason or "?")] += 1
        if (
            outputs["newswatch"] is None
            and is_article(page)
            and recall_of(page, outputs["trafilatura default"]) >= 0.5
        ):
            scores["newswatch"].wrongly_rejected.append(page.url)
    return scores


def report(name: str, scores: dict[str, Score]) -> bool:
    """Print the table; return whether newswatch meets the targets on this set."""
    print(f"\nset {name}: {len(scores['newswatch'].seconds)} pages")
    print(
        f"{'extractor':<24}{'P':>7}{'R':>7}{'F1':>7}{'leaked':>8}{'rejected':>10}"
        f"{'ms med':>8}{'ms mean':>9}"
    )
    for k, s in scores.items():
        p, r, f = s.f1()
        leak = s.leaked / s.leak_base if s.leak_base else 0.0
        print(
            f"{k:<24}{p:>7.3f}{r:>7.3f}{f:>7.3f}{leak:>8.3f}{s.rejected:>10}"
            f"{statistics.median(s.seconds) * 1000:>8.1f}{statistics.mean(s.seconds) * 1000:>9.1f}"
        )
    ours = scores["newswatch"]
    best = max((s.f1()[2], k) for k, s in scores.items() if k != "newswatch")
    default = scores["trafilatura default"]
    ratio = statistics.median(ours.seconds) / statistics.median(default.seconds)
    print(
        f"newswatch F1 {ours.f1()[2]:.3f} vs best trafilatura ({best[1]}) {best[0]:.3f}; "
        f"time {ratio:.2f}x trafilatura default (median)"
    )
    if ours.wrongly_rejected:
        print("wrongly rejected (trafilatura's default reads them):")
        for url in ours.wrongly_rejected:
            print(f"  {url}")
    by_site: dict[str, list[str]] = defaultdict(list)
    for (site, reason), n in sorted(ours.reasons.items()):
        by_site[site].append(f"{reason} x{n}" if n > 1 else reason)
    if by_site:
        print("newswatch rejections by site:")
        for site, reasons in sorted(by_site.items()):
            print(f"  {site}: {'; '.join(reasons)}")
    ok = ours.f1()[2] >= best[0] - 1e-9 and not ours.wrongly_rejected and ratio <= 1.5
    print(
        "targets (F1 >= best trafilatura, none wrongly rejected, <= 1.5x time): "
        + ("met" if ok else "MISSED")
    )
    return ok


def unpack(repos: dict[str, Path], root: Path = DATA) -> None:
    """Copy the sets out of their git clones (bare mirrors work too); a set whose clone is
    missing is left out."""
    for name, folders, files in (
        ("aeb", ["html"], ["ground-truth.json"]),
        ("readability", ["test/test-pages"], []),
        ("traf", ["tests/eval", "tests/cache"], ["tests/evaldata.json"]),
        ("wceb", ["release/html", "benchmark/ground-truth"], []),
    ):
        repo = repos[name]
        if not repo.exists():
            print(f"{name}: no clone at {repo}, skipped")
            continue
        target = root / name
        target.mkdir(parents=True, exist_ok=True)
        git = ["git", "--git-dir", str(repo if (repo / "HEAD").exists() else repo / ".git")]
        for folder in folders:
            archive = subprocess.run(
                [*git, "archive", "--format=tar", "HEAD", folder], check=True, capture_output=True
            ).stdout
            strip = str(folder.count("/"))
            subprocess.run(
                ["tar", "-x", "-C", str(target), f"--strip-components={strip}"],
                input=archive,
                check=True,
            )
        for f in files:
            data = subprocess.run([*git, "show", f"HEAD:{f}"], check=True, capture_output=True)
            (target / Path(f).name).write_bytes(data.stdout)


def main() -> None:
    """Command line: unpack the sets, or score one (exit 1 when a target is missed)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--unpack", action="store_true")
    parser.add_argument("--aeb-repo", type=Path, default=MIRRORS["aeb"])
    parser.add_argument("--traf-repo", type=Path, default=MIRRORS["traf"])
    parser.add_argument("--readability-repo", type=Path, default=MIRRORS["readability"])
    parser.add_argument("--wceb-repo", type=Path, default=MIRRORS["wceb"])
    parser.add_argument("--set", choices=sorted(SETS), action="append")
    parser.add_argument("--limit", type=int, help="only the first N pages of each set")
    args = parser.parse_args()
    if args.unpack:
        repos = {
            "aeb": args.aeb_repo,
            "traf": args.traf_repo,
            "readability": args.readability_repo,
            "wceb": args.wceb_repo,
        }
        unpack(repos)
        for name, pages in SETS.items():
            print(f"{name}: {sum(1 for _ in pages())} pages")
        return
    ok = all([report(name, run(name, args.limit)) for name in args.set or sorted(SETS)])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
