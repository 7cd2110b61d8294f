"""Charset fidelity: how many stored texts come out as mojibake, on real pages and on real text
re-encoded in every common charset with true, missing, lying and broken declarations.

    .venv/bin/python -m bench.charset               # public sets: bench.clean_real --unpack
    .venv/bin/python -m bench.charset --limit 200   # fewer pages per set

Two parts, each counting texts that hold mojibake marks (extractors.decode.mojibake_marks:
UTF-8 read as Latin-1 or cp1251, cp1251 read as Latin-1, KOI8-R and cp1251 swapped, Latin and
Cyrillic letters fused in one word, U+FFFD) that the source text did not hold:

1. **Real pages, decoded and cleaned as newswatch stores them**: the sample corpus
   (samples/csto-2022, ours), Zyte's article-extraction-benchmark (aeb, 181 pages) and
   trafilatura's evaluation pages (traf, ~900 pages of many languages), from their raw bytes
   with no HTTP header, so the page's own declaration (or none) is all there is. "not in page"
   counts those with more marks than the page's own text has (its bytes read as UTF-8, when
   they are UTF-8): mojibake in the page itself (a double-encoded forum post) is not ours.
2. **Real text, re-encoded**: the clean text of each real page, put in a small HTML page and
   encoded in every charset of UTF-8, UTF-16 (LE and BE, no byte-order mark), Windows-1251,
   KOI8-R, ISO-8859-1 and Windows-1252 that can hold it; each declared four ways (the true
   charset in the Content-Type, nothing, a lying Content-Type naming another of these charsets,
   a lying <meta>), plus UTF-8 with three broken bytes. A page counts as right when decoding
   gives back exactly the page written.

The decoder's thresholds were set from how the charsets are built (a single-byte charset has next
to no valid UTF-8 sequences; UTF-16 high bytes take one or two values), not tuned on these sets.
"""

from __future__ import annotations

import argparse
import gzip
import random
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from bench.clean_real import DATA
from extractors.clean import extract_article
from extractors.config import CleanSettings
from extractors.decode import decode_body, mojibake_marks
from newswatch.settings import load_settings

SAMPLE = Path("samples/csto-2022/pages")
ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "windows-1251", "koi8-r", "iso-8859-1", "cp1252")
# How each charset is named in a declaration (UTF-16 pages declare "utf-16").
LABEL = {"utf-16-le": "utf-16", "utf-16-be": "utf-16"}


def raw_pages(limit: int | None) -> Iterator[tuple[str, str, bytes]]:
    """(set, url, raw bytes) of every real page."""
    for path in sorted(SAMPLE.rglob("*.html")):
        yield "sample", path.relative_to(SAMPLE).as_posix(), path.read_bytes()
    for name, folder, pattern in (
        ("aeb", DATA / "aeb" / "html", "*.html.gz"),
        ("traf", DATA / "traf" / "cache", "*.html"),
        ("traf", DATA / "traf" / "eval", "*.html"),
    ):
        for n, path in enumerate(sorted(folder.glob(pattern)) if folder.is_dir() else []):
            if limit is not None and n >= limit:
                break
            raw = path.read_bytes()
            yield name, path.name, gzip.decompress(raw) if path.suffix == ".gz" else raw


def own_marks(raw: bytes, clean: CleanSettings) -> list[str]:
    """The marks of the page's own text: its bytes read as UTF-8 when they are UTF-8 (nearly
    all of these pages are), so marks that are in the page itself are not counted as ours."""
    try:
        html = raw.decode("utf-8")
    except UnicodeDecodeError:
        return []
    out = extract_article(html, None, clean)
    return mojibake_marks(out.article.text) if out.article else []


def page_of(text: str) -> str:
    """A small HTML page around a text."""
    return f"<html><head><title>news</title></head><body><p>{text}</p></body></html>"


def variants(page: str, rng: random.Random) -> Iterator[tuple[str, str, bytes, str | None]]:
    """(charset, declaration kind, bytes, Content-Type) of one page in every charset."""
    for enc in ENCODINGS:
        try:
            raw = page.encode(enc)
        except UnicodeEncodeError:
            continue
        label = LABEL.get(enc, enc)
        liar = rng.choice([e for e in ENCODINGS if LABEL.get(e, e) != label])
        yield enc, "true header", raw, f"text/html; charset={label}"
        yield enc, "none", raw, "text/html"
        yield enc, "lying header", raw, f"text/html; charset={LABEL.get(liar, liar)}"
        if not enc.startswith("utf-16"):
            meta = page.replace("<head>", f'<head><meta charset="{LABEL.get(liar, liar)}">')
            yield enc, "lying meta", meta.encode(enc), "text/html"  # decoded must equal `meta`
    # UTF-8 with three bytes broken, at character boundaries (each is one U+FFFD).
    cuts = sorted(rng.sample(range(1, len(page)), k=3))
    parts = [page[a:b].encode() for a, b in zip([0, *cuts], [*cuts, len(page)], strict=True)]
    yield "utf-8", "3 broken bytes", b"\xff".join(parts), "text/html; charset=utf-8"


def _one_for_each(decoded: str, page: str) -> bool:
    """Whether `decoded` is `page` with one character in place of each broken byte (U+FFFD, or
    the byte's Windows-1252 letter: a bad byte is lost either way; the rest must survive)."""
    return len(decoded) == len(page) + 3 and _strip_positions(decoded, page)


def _strip_positions(decoded: str, page: str) -> bool:
    """Whether deleting three characters of `decoded` can give `page` (a greedy walk)."""
    i = j = skipped = 0
    while i < len(decoded) and j < len(page):
        if decoded[i] == page[j]:
            i += 1
            j += 1
        else:
            i += 1
            skipped += 1
    return j == len(page) and skipped + (len(decoded) - i) == 3


def main() -> None:
    """Command line: the counts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="pages per set at most")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", action="store_true", help="print where each wrong page differs")
    args = parser.parse_args()
    clean = load_settings(env={}).clean
    rng = random.Random(args.seed)
    stored: Counter[str] = Counter()
    garbled: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    examples: dict[str, str] = {}
    texts: list[tuple[str, str]] = []
    t0 = time.perf_counter()
    for name, key, raw in raw_pages(args.limit):
        out = extract_article(decode_body(raw), None, clean)
        if out.article is None:
            continue
        stored[name] += 1
        marks = mojibake_marks(out.article.text)
        if marks:
            garbled[name] += 1
            if len(marks) > len(own_marks(raw, clean)):
                ours[name] += 1
            examples.setdefault(name, f"{key}: {''.join(marks[:5])!r}")
            if args.show:
                print(name, key, marks[:6])
        else:
            texts.append((name, out.article.text[:3000]))
    print(f"1. real pages, decoded and cleaned ({time.perf_counter() - t0:.0f} s)")
    print(f"{'set':<8}{'stored':>8}{'mojibake':>10}{'not in page':>13}")
    for name in stored:
        print(
            f"{name:<8}{stored[name]:>8}{garbled[name]:>10}{ours[name]:>13}"
            f"   {examples.get(name, '')}"
        )

    right: Counter[tuple[str, str]] = Counter()
    total: Counter[tuple[str, str]] = Counter()
    marked: Counter[tuple[str, str]] = Counter()
    t0 = time.perf_counter()
    for _, text in texts:
        page = page_of(text)
        for enc, kind, raw, content_type in variants(page, rng):
            decoded = decode_body(raw, content_type)
            cell = (enc, kind)
            total[cell] += 1
            want = raw.decode(enc) if kind == "lying meta" else page
            if decoded == want or (kind == "3 broken bytes" and _one_for_each(decoded, page)):
                right[cell] += 1
            else:
                if mojibake_marks(decoded):
                    marked[cell] += 1
                if args.show:
                    diff = next(
                        (i for i, (a, b) in enumerate(zip(decoded, want, strict=False)) if a != b),
                        0,
                    )
                    print(enc, kind, repr(decoded[max(0, diff - 30) : diff + 30]))
    print(f"\n2. real text re-encoded: {len(texts)} texts ({time.perf_counter() - t0:.0f} s)")
    kinds = ("true header", "none", "lying header", "lying meta", "3 broken bytes")
    print(f"{'charset':<14}" + "".join(f"{k:>22}" for k in kinds))
    for enc in ENCODINGS:
        row = []
        for kind in kinds:
            n = total[(enc, kind)]
            cell = f"{right[(enc, kind)]}/{n} ({marked[(enc, kind)]} mb)" if n else "-"
            row.append(f"{cell:>22}")
        print(f"{enc:<14}" + "".join(row))
    wrong = sum(total.values()) - sum(right.values())
    print(
        f"\nright {sum(right.values())} of {sum(total.values())}; wrong {wrong}, "
        f"of which {sum(marked.values())} with mojibake marks (mb)"
    )


if __name__ == "__main__":
    main()
