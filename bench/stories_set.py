"""A labelled set of originals and their copies for "same story" benchmarks.

Every original report gets its own story id; its copies (exact reposts under other URLs,
syndicated versions with small edits, spun rewrites at three rates, spun plus reordered, spun
plus farm boilerplate) share it. Hard negatives are originals too: reports on the same event
by other outlets (`same_event`), follow-ups days later (`followup`) and unrelated reports on the
same site and template (`same_template`). Items come back in a deterministic shuffled order.

Run: PYTHONPATH=. .venv/bin/python -m bench.stories_set
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from bench.datafiles import data
from bench.newsgen import (
    FARM_SITES,
    FIRST_NAMES,
    SITES,
    SURNAMES,
    Report,
    generate_reports,
    site_info,
    split_sentences,
    title_case,
)
from bench.spinner import add_boilerplate, reorder_sentences, spin, spin_title

COPY_KINDS = data("stories_set/copy_kinds.json")
ORIGINAL_KINDS = ("original", "same_event", "followup", "same_template")
URL_VARIANTS = ("tracking", "amp", "mobile", "http", "slash", "upper")
_SPIN_RATES = data("stories_set/spin_rates.json")


@dataclass(frozen=True)
class Item:
    """One page of the set: an original report or a copy of one."""

    item_id: str
    story_id: str
    kind: str
    site: str
    url: str
    title: str
    text: str
    published: datetime
    source_of: str | None  # item_id of the original this copies


# --------------------------------------------------------------------------------------------
# URL variants of the same page
# --------------------------------------------------------------------------------------------


def url_variant(url: str, variant: str, rng: random.Random) -> str:
    """Another URL that serves the same page: tracking params, AMP, mobile host, http, ..."""
    scheme, host, path, query, frag = urlsplit(url)
    if variant == "tracking":
        source = rng.choice(("twitter", "facebook", "newsletter", "rss", "telegram"))
        medium = rng.choice(("social", "email", "referral", "feed"))
        campaign = rng.choice(("daily", "breaking", "share"))
        query = f"utm_source={source}&utm_medium={medium}&utm_campaign={campaign}"
    elif variant == "amp":
        if rng.random() < 0.5:
            path = "/amp" + path
        else:
            query = "amp=1"
    elif variant == "mobile":
        host = "m." + host
    elif variant == "http":
        scheme = "http"
    elif variant == "slash":
        path += "/"
    elif variant == "upper":
        host = host.upper()
    else:
        raise ValueError(f"unknown URL variant {variant!r}")
    return urlunsplit((scheme, host, path, query, frag))


def _rehost(url: str, domain: str) -> str:
    """The same path on another site."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, domain, parts.path, parts.query, parts.fragment))


# --------------------------------------------------------------------------------------------
# Syndication edits
# --------------------------------------------------------------------------------------------

_TITLE_PREFIXES = ("UPDATE 1-", "UPDATE: ", "Breaking: ", "WATCH: ", "Latest: ")
_TAIL_RE = re.compile(r"\s+(?:as|after|amid|while|following)\s+.*$")


def headline_variant(title: str, rng: random.Random) -> str:
    """The same headline as another desk would run it: a prefix, Title Case or a trimmed tail."""
    options = [rng.choice(_TITLE_PREFIXES) + title]
    trimmed = _TAIL_RE.sub("", title)
    if trimmed != title and len(trimmed.split()) >= 4:
        options.append(trimmed)
    cased = title_case(title)
    if cased != title:
        options.append(cased)
    return rng.choice(options)


def new_headline(report: Report) -> str:
    """A fresh headline cut from the lead sentence, as a syndicating desk would write one."""
    lead = split_sentences(report.paragraphs[0])[0]
    lead = lead.split(" — ", 1)[-1].rstrip(".")
    for sep in (", ", " as ", " after ", " while "):
        head = lead.split(sep, 1)[0]
        if 5 <= len(head.split()) <= 16:
            return head
    return " ".join(lead.split()[:14])


def _random_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def _edit_sentence(sentence: str, rng: random.Random) -> str:
    """A small desk edit: cut a trailing clause, switch tense of "said", or add a connective."""
    edits: list[Callable[[str], str]] = []
    if sentence.endswith(".") and ", " in sentence:
        head = sentence[:-1].rsplit(", ", 1)[0]
        if len(head.split()) >= 6 and head.count('"') % 2 == 0:
            edits.append(lambda s: head + ".")
    if " said" in sentence:
        edits.append(lambda s: s.replace(" said", " says", 1))
    if sentence.startswith("The "):
        edits.append(lambda s: "Meanwhile, the " + s[4:])
    return rng.choice(edits)(sentence) if edits else sentence


def syndicate(report: Report, rng: random.Random) -> tuple[str, str]:
    """Title and text of a republished version: new or varied headline, attribution, edits."""
    source = site_info(report.site).name
    title = new_headline(report) if rng.random() < 0.5 else headline_variant(report.title, rng)
    paras = list(report.paragraphs)
    if len(paras) > 5 and rng.random() < 0.4:
        paras.pop()
    for _ in range(rng.randint(1, 2)):
        i = rng.randrange(1, len(paras))
        sents = split_sentences(paras[i])
        j = rng.randrange(len(sents))
        sents[j] = _edit_sentence(sents[j], rng)
        paras[i] = " ".join(sents)
    attribution = rng.randrange(3)
    if attribution == 0 and " — " not in paras[0][:60]:
        paras[0] = f"({source}) — {paras[0]}"
    elif attribution == 1:
        paras.insert(0, f"This story was first published by {source}.")
    else:
        paras.append(
            f"This article was originally published by {source} and is republished "
            "here with permission."
        )
    if rng.random() < 0.5:
        paras.append(
            rng.choice(
                (
                    "Additional reporting by {n}.",
                    "Editing by {n}.",
                    "Compiled by {n} for the online desk.",
                )
            ).format(n=_random_name(rng))
        )
    return title, "\n\n".join(paras)


# --------------------------------------------------------------------------------------------
# The set
# --------------------------------------------------------------------------------------------


@dataclass
class _Draft:
    key: str
    story_id: str
    kind: str
    site: str
    url: str
    title: str
    text: str
    published: datetime
    source_key: str | None


def _original_kinds(reports: list[Report]) -> dict[str, str]:
    """followup / same_event / original for each report, judged within the set."""
    per_event = Counter(r.event_id for r in reports)
    out = {}
    for r in reports:
        if r.followup:
            out[r.report_id] = "followup"
        elif per_event[r.event_id] >= 2:
            out[r.report_id] = "same_event"
        else:
            out[r.report_id] = "original"
    return out


def _extra_reports(seed: int, originals: int, want: int) -> tuple[list[Report], list[Report]]:
    """The first `originals` reports, plus `want` one-per-event reports from later events."""
    n = originals + 3 * want
    while True:
        reports = generate_reports(n, seed=seed)
        base = reports[:originals]
        taken = {r.event_id for r in base}
        extra: list[Report] = []
        for r in reports[originals:]:
            if r.event_id not in taken and not r.followup:
                taken.add(r.event_id)
                extra.append(r)
        if len(extra) >= want:
            return base, extra[:want]
        n *= 2


def _copy_kinds(rng: random.Random, n_originals: int) -> list[list[str]]:
    """3-4 distinct copy kinds per original, keeping every kind's total balanced."""
    counts = dict.fromkeys(COPY_KINDS, 0)
    plan = []
    for _ in range(n_originals):
        k = 4 if rng.random() < 0.75 else 3
        order = sorted(COPY_KINDS, key=lambda c: (counts[c], rng.random()))[:k]
        for c in order:
            counts[c] += 1
        plan.append(order)
    return plan


def _copies(
    report: Report, kinds: Iterable[str], rng: random.Random, variants: list[str]
) -> list[_Draft]:
    """The drafts of each requested copy kind of one report."""
    out = []
    story = f"story-{report.report_id}"
    outlets = [s.domain for s in SITES if s.domain != report.site]
    for n, kind in enumerate(kinds):
        later = report.published + timedelta(minutes=rng.randint(20, 60 * 36))
        key = f"{report.report_id}-{n}"
        if kind == "exact":
            variant = variants.pop() if variants else rng.choice(URL_VARIANTS)
            if rng.random() < 0.5:
                site, url, when = (
                    report.site,
                    url_variant(report.url, variant, rng),
                    report.published,
                )
            else:
                site = rng.choice(outlets)
                url, when = _rehost(report.url, site), later
            out.append(
                _Draft(
                    key, story, kind, site, url, report.title, report.text, when, report.report_id
                )
            )
        elif kind == "syndicated":
            site = rng.choice(outlets)
            title, text = syndicate(report, rng)
            slug = urlsplit(report.url).path.rsplit("/", 1)[-1]
            out.append(
                _Draft(
                    key,
                    story,
                    kind,
                    site,
                    f"https://{site}/news/{report.published:%Y/%m}/{slug}",
                    title,
                    text,
                    later,
                    report.report_id,
                )
            )
        else:
            rate = _SPIN_RATES[kind]
            farm = rng.choice(FARM_SITES).domain
            text = spin(report.text, rate, rng)
            if kind == "spun20_reordered":
                text = reorder_sentences(text, rng)
            elif kind == "spun20_boilerplate":
                text = add_boilerplate(text, rng)
            title = spin_title(report.title, rate, rng)
            path = urlsplit(report.url).path.rsplit("/", 1)[-1].replace(".html", "")
            url = f"https://{farm}/{report.published:%Y/%m}/{path}-{rng.randint(100, 999)}/"
            out.append(_Draft(key, story, kind, farm, url, title, text, later, report.report_id))
    return out


def build_labelled_set(seed: int = 7, originals: int = 120) -> list[Item]:
    """Originals (with same-event, follow-up and same-template negatives) plus their copies."""
    rng = random.Random(seed * 7919 + originals)
    n_extra = max(40, originals // 3)
    base, extra = _extra_reports(seed, originals, n_extra)
    kinds = _original_kinds(base)
    drafts: list[_Draft] = []
    for r in base:
        drafts.append(
            _Draft(
                r.report_id,
                f"story-{r.report_id}",
                kinds[r.report_id],
                r.site,
                r.url,
                r.title,
                r.text,
                r.published,
                None,
            )
        )
    # Unrelated reports re-homed onto an original's site: same chrome, different story.
    urls = {d.url for d in drafts}
    for r in extra:
        host = rng.choice(base).site
        moved = replace(r, site=host, url=_rehost(r.url, host))
        if moved.url in urls:
            moved = replace(moved, url=moved.url.replace(".html", f"-{r.report_id}.html"))
        urls.add(moved.url)
        drafts.append(
            _Draft(
                r.report_id,
                f"story-{r.report_id}",
                "same_template",
                moved.site,
                moved.url,
                moved.title,
                moved.text,
                moved.published,
                None,
            )
        )
    plan = _copy_kinds(rng, len(base))
    n_exact = sum(p.count("exact") for p in plan)
    variants = [URL_VARIANTS[i % len(URL_VARIANTS)] for i in range(n_exact)]
    rng.shuffle(variants)
    for r, copy_kinds in zip(base, plan, strict=True):
        drafts.extend(_copies(r, copy_kinds, rng, variants))
    taken: set[str] = set()
    for d in drafts:  # two copies may land on the same outlet under the same path
        n = 2
        url = d.url
        while url in taken:
            url, n = re.sub(r"(\.html)?(/)?$", rf"-{n}\1\2", d.url, count=1), n + 1
        d.url = url
        taken.add(url)
    rng.shuffle(drafts)
    ids = {d.key: f"item-{i:04d}" for i, d in enumerate(drafts)}
    return [
        Item(
            ids[d.key],
            d.story_id,
            d.kind,
            d.site,
            d.url,
            d.title,
            d.text,
            d.published,
            ids[d.source_key] if d.source_key else None,
        )
        for d in drafts
    ]


def truth_story(items: Iterable[Item]) -> dict[str, str]:
    """item_id -> ground-truth story id."""
    return {i.item_id: i.story_id for i in items}


def main() -> None:
    """Print counts per kind and a few originals beside their spun20 copies."""
    items = build_labelled_set()
    counts = Counter(i.kind for i in items)
    print(f"{len(items)} items, {len({i.story_id for i in items})} stories")
    for kind in ORIGINAL_KINDS + COPY_KINDS:
        print(f"  {kind:20s} {counts[kind]:4d}")
    by_id = {i.item_id: i for i in items}
    shown = 0
    for item in items:
        if item.kind != "spun20" or shown == 3:
            continue
        shown += 1
        src = by_id[item.source_of or ""]
        print("\n" + "=" * 100)
        print(f"ORIGINAL {src.item_id} ({src.kind}, {src.site}): {src.title}")
        print(src.text[:400])
        print("-" * 100)
        print(f"SPUN20 {item.item_id} ({item.site}): {item.title}")
        print(item.text[:400])


if __name__ == "__main__":
    main()
