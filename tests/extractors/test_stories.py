"""Story detection on our own sample reports: copies join their original's story, different
reports on the same events stay apart, and decisions do not depend on arrival order."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from extractors.stories import (
    FUNCTION_WORDS,
    Known,
    Similarity,
    StoryDecision,
    StoryInput,
    StoryParams,
    assign_stories,
    content_words,
    copy_kind,
    fingerprint,
    informative_title,
    lsh_buckets,
    normalise,
    prepared,
    similarity,
    skeleton,
    strong,
)

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "csto-2022" / "articles.yaml"
PARAMS = StoryParams()
HOUR = timedelta(hours=1)


class MemoryLookup:
    """An in-memory StoryLookup: what the warehouse would hold after loading `decisions`."""

    def __init__(self) -> None:
        self.articles: dict[str, Known] = {}
        self.hashes: dict[str, tuple[str, str]] = {}
        self.buckets: dict[int, list[str]] = {}
        self.starts: dict[str, datetime] = {}

    def store(self, inputs: Sequence[StoryInput], decisions: Sequence[StoryDecision]) -> None:
        for a, d in zip(inputs, decisions, strict=True):
            if d.stored:
                continue
            self.articles[a.article_key] = Known(a.article_key, d.story_key, a.title, a.text)
            self.hashes.setdefault(d.text_hash, (a.article_key, d.story_key))
            self.starts.setdefault(d.story_key, datetime(2022, 1, 1) + len(self.starts) * HOUR)
            for b in d.buckets:
                self.buckets.setdefault(b, []).append(a.article_key)
        # As the warehouse applies merges after the batch: the articles move to the survivor.
        for m in (m for d in decisions for m in d.merges):
            for k, known in self.articles.items():
                if known.story_key == m.merged:
                    self.articles[k] = Known(k, m.into, known.title, known.text)
            self.hashes = {
                h: (k, m.into if s == m.merged else s) for h, (k, s) in self.hashes.items()
            }

    def story_starts(self, story_keys: Sequence[str]) -> Mapping[str, datetime]:
        return {k: self.starts[k] for k in story_keys if k in self.starts}

    def stories_of(self, article_keys: Sequence[str]) -> Mapping[str, str]:
        return {k: self.articles[k].story_key for k in article_keys if k in self.articles}

    def by_text_hash(self, hashes: Sequence[str]) -> Mapping[str, tuple[str, str]]:
        return {h: self.hashes[h] for h in hashes if h in self.hashes}

    def bucket_members(self, buckets: Sequence[int]) -> Mapping[int, Sequence[str]]:
        return {b: self.buckets[b] for b in buckets if b in self.buckets}

    def known(self, article_keys: Sequence[str]) -> Mapping[str, Known]:
        return {k: self.articles[k] for k in article_keys if k in self.articles}


def final_stories(decisions: Sequence[StoryDecision]) -> dict[str, str]:
    """Each article's story once every merge the decisions made is applied."""
    into: dict[str, str] = {}
    for m in (m for d in decisions for m in d.merges):
        into[m.merged] = m.into

    def resolve(story: str) -> str:
        while story in into:
            story = into[story]
        return story

    return {d.article_key: resolve(d.story_key) for d in decisions}


@pytest.fixture(scope="module")
def sample() -> list[dict]:
    return yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))


def as_input(article: dict) -> StoryInput:
    return StoryInput(article["id"], article["title"], "\n\n".join(article["paragraphs"]))


def partition(decisions: Sequence[StoryDecision]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for d in decisions:
        groups.setdefault(d.story_key, set()).add(d.article_key)
    return {frozenset(g) for g in groups.values()}


def test_exact_copies_are_the_same_text_whatever_the_spacing_case_and_punctuation():
    text = "Troops from Russia landed in Almaty on 6 January.\n\nThe CSTO said 2,500 would go."
    variant = "  troops from RUSSIA landed in Almaty, on 6 January\nThe CSTO said: 2,500 would go!"
    assert normalise(text) == normalise(variant)
    assert fingerprint(None, text).text_hash == fingerprint("Other title", variant).text_hash
    assert (
        fingerprint(None, text).text_hash
        != fingerprint(None, text.replace("2,500", "3,000")).text_hash
    )


def test_skeleton_keeps_names_numbers_and_dates_through_a_spinner():
    original = (
        "The Collective Security Treaty Organization said 3,000 troops would reach Almaty by "
        "7 January. Officials in Moscow confirmed it."
    )
    spun = (
        "The Collective Safety Treaty Organization stated three,000 troopers would attain Almaty "
        "by 7 January. Officers in Moscow verified it."
    )
    a, b = skeleton(original), skeleton(spun)
    assert a[:1] == ["collective"] and "3000" in a and "almaty" in a and "january" in a
    assert "3000" in b and "moscow" in b
    # Sentence-initial common words ("The", "Officials") are not names.
    assert "the" not in a and "officials" not in a
    fa, fb = fingerprint("t", original * 3), fingerprint("t", spun * 3)
    sim = similarity(fa, fb)
    assert sim.skeleton > 0.5 > sim.shingles


def test_sample_copies_join_their_original_and_nothing_else_merges(sample):
    on_topic = [as_input(a) for a in sample]
    decisions = assign_stories(on_topic, MemoryLookup(), PARAMS)
    groups = partition(decisions)
    copies = {"rl-csto-explainer", "cd-csto-explainer-spun", "nb-csto-explainer-spun"}
    assert frozenset(copies) in groups
    assert len(groups) == len(sample) - 2
    kinds = {d.article_key: d.kind for d in decisions}
    assert kinds["cd-csto-explainer-spun"] in ("near", "rewrite")
    assert kinds["nb-csto-explainer-spun"] in ("near", "rewrite")
    assert {k for k, v in kinds.items() if v} <= copies


def test_arrival_order_and_batching_do_not_change_the_stories(sample):
    inputs = [as_input(a) for a in sample]
    one_batch = partition(assign_stories(inputs, MemoryLookup(), PARAMS))
    # Newest first, in batches of three, each batch "loaded" before the next is decided.
    lookup = MemoryLookup()
    reversed_inputs = list(reversed(inputs))
    decisions: list[StoryDecision] = []
    for start in range(0, len(reversed_inputs), 3):
        batch = reversed_inputs[start : start + 3]
        found = assign_stories(batch, lookup, PARAMS)
        lookup.store(batch, found)
        decisions += found
    assert partition(decisions) == one_batch


def test_exact_copy_reuses_entities_and_a_stored_article_keeps_its_story(sample):
    original = as_input(sample[2])
    copy = StoryInput("copy-on-another-site", original.title, original.text.upper())
    lookup = MemoryLookup()
    first = assign_stories([original], lookup, PARAMS)
    lookup.store([original], first)
    again = assign_stories([original, copy], lookup, PARAMS)
    assert again[0].stored and again[0].story_key == first[0].story_key
    assert again[1].kind == "exact" and again[1].reuses_entities
    assert again[1].copy_of == original.article_key
    assert again[1].story_key == first[0].story_key
    # Within one batch too: the second of two equal texts copies the first.
    fresh = assign_stories([copy, original], MemoryLookup(), PARAMS)
    assert fresh[1].kind == "exact" and fresh[1].copy_of == copy.article_key


def test_rel_canonical_on_another_site_joins_that_story(sample):
    lookup = MemoryLookup()
    wire = as_input(sample[1])
    lookup.store([wire], assign_stories([wire], lookup, PARAMS))
    # A rewrite too different to match on text, but it names the wire report as canonical.
    other = StoryInput("portal-copy", "Summary", as_input(sample[4]).text, wire.article_key)
    [d] = assign_stories([other], lookup, PARAMS)
    assert d.kind == "canonical" and d.story_key == wire.article_key


def test_lsh_buckets_are_the_same_in_every_process(sample):
    # The warehouse keeps buckets across runs: they must not depend on hash seeds or state.
    text = "\n\n".join(sample[3]["paragraphs"])
    here = lsh_buckets(fingerprint(sample[3]["title"], text), PARAMS)
    code = (
        "import sys, yaml; from extractors.stories import *; "
        f"a = yaml.safe_load(open({str(SAMPLE)!r}))[3]; "
        "print(list(lsh_buckets(fingerprint(a['title'], '\\n\\n'.join(a['paragraphs'])), "
        "StoryParams())))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "123", "PATH": ""},
        cwd=Path(__file__).resolve().parents[2],
    )
    assert json.loads(out.stdout) == list(here)
    assert len(here) == len(set(here)) > 20


def test_a_stored_article_seen_again_later_in_the_batch_is_still_a_candidate(sample):
    # Regression: the batch [copy of X, X under another URL] left the copy without X, because
    # X's key was in the batch; X is stored, so it must stay a candidate.
    original = as_input(sample[2])
    lookup = MemoryLookup()
    lookup.store([original], assign_stories([original], lookup, PARAMS))
    spun = as_input(sample[8])
    again = StoryInput(original.article_key, original.title, original.text)
    decisions = assign_stories([spun, again], lookup, PARAMS)
    assert decisions[0].story_key == original.article_key and decisions[0].kind
    assert decisions[1].stored


def test_generated_copies_are_found_and_other_reports_on_the_same_event_are_not():
    # A small labelled set (bench/stories.py measures the full one): copies made by the
    # syndication and spinner scripts, and other reports on the same events.
    from bench.stories_set import build_labelled_set

    items = build_labelled_set(seed=3, originals=30)
    lookup = MemoryLookup()
    inputs = [StoryInput(i.item_id, i.title, i.text) for i in items]
    decisions: list[StoryDecision] = []
    for start in range(0, len(inputs), 25):
        batch = inputs[start : start + 25]
        found = assign_stories(batch, lookup, PARAMS)
        lookup.store(batch, found)
        decisions += found
    story = final_stories(decisions)
    by_id = {i.item_id: i for i in items}
    wrong = [
        (a.kind, b.kind)
        for a, b in itertools.combinations(items, 2)
        if story[a.item_id] == story[b.item_id] and a.story_id != b.story_id
    ]
    assert wrong == []
    for kind, floor in (("exact", 1.0), ("syndicated", 0.95), ("spun20", 0.85)):
        copies = [i for i in items if i.kind == kind]
        joined = [i for i in copies if story[i.item_id] == story[by_id[i.source_of].item_id]]
        assert len(copies) >= 10 and len(joined) / len(copies) >= floor, kind


def test_inputs_prepared_ahead_decide_as_raw_ones_and_stale_buckets_are_recomputed(sample):
    raw = [as_input(a) for a in sample]
    ready = [prepared(a, PARAMS) for a in raw]
    assert all(a.fingerprint is not None and a.buckets for a in ready)
    assert assign_stories(ready, MemoryLookup(), PARAMS) == assign_stories(
        raw, MemoryLookup(), PARAMS
    )
    # Buckets prepared under other parameters are not trusted: they would miss candidates.
    other = StoryParams(num_perm=128)
    stale = [prepared(a, other) for a in raw]
    assert [d.buckets for d in assign_stories(stale, MemoryLookup(), PARAMS)] == [
        lsh_buckets(fingerprint(a.title, a.text), PARAMS) for a in raw
    ]


def test_lsh_buckets_match_the_pinned_scheme():
    # Golden values: the warehouse keeps buckets across releases, so a change to shingling,
    # hashing, permutations or banding must show here (and needs a story re-index).
    import hashlib

    text = (
        "Peacekeepers of the Collective Security Treaty Organization began leaving Almaty on "
        "13 January 2022, a week after 2,030 troops arrived at the request of President "
        "Kassym-Jomart Tokayev."
    )
    buckets = list(lsh_buckets(fingerprint("CSTO troops start to leave Kazakhstan", text), PARAMS))
    assert StoryParams() == PARAMS
    assert buckets[:3] == [167778016371991373, 6552873114492935465, 1419858174489482457]
    # 39 from shingles and skeleton, 64 from function words (added with story merging).
    assert len(buckets) == 103
    digest = hashlib.sha256(repr(buckets).encode()).hexdigest()
    assert digest == "b0edd8829c33f5f671c66f781ebd1ba04419367c0ff457d785b9ed4635bdf7c8"


def bridged_texts() -> tuple[StoryInput, StoryInput, StoryInput]:
    """Two partial versions of one report that share too little to match, and the full one."""
    from bench.newsgen import generate_reports

    paras = [p for r in generate_reports(3, seed=5) for p in r.paragraphs][:12]
    head = StoryInput("first-half", "Report", "\n\n".join(paras[:8]))
    tail = StoryInput("second-half", "Report", "\n\n".join(paras[4:]))
    full = StoryInput("full", "Report", "\n\n".join(paras))
    return head, tail, full


def test_an_article_that_bridges_two_stories_merges_them_into_the_first_seen():
    head, tail, full = bridged_texts()
    assert (
        copy_kind(similarity(fingerprint(None, head.text), fingerprint(None, tail.text)), PARAMS)[0]
        is None
    )
    lookup = MemoryLookup()
    first = assign_stories([head, tail], lookup, PARAMS)
    lookup.store([head, tail], first)
    assert [d.story_key for d in first] == ["first-half", "second-half"]
    bridge = assign_stories([full], lookup, PARAMS)[0]
    assert bridge.story_key == "first-half"
    (merge,) = bridge.merges
    assert (merge.merged, merge.into, merge.article_key, merge.evidence) == (
        "second-half",
        "first-half",
        "full",
        "second-half",
    )
    lookup.store([full], [bridge])
    assert {k.story_key for k in lookup.articles.values()} == {"first-half"}
    # Within one batch the same happens, and the batch's later articles see the merge.
    late = StoryInput("late", "Report", tail.text + "\n\nA closing line added later.")
    decisions = assign_stories([head, tail, full, late], MemoryLookup(), PARAMS)
    assert set(final_stories(decisions).values()) == {"first-half"}
    assert decisions[3].story_key == "first-half"


def test_a_weak_match_joins_an_article_but_never_merges_stories():
    # Two other reports on one event can pass the joining threshold by chance; only strong
    # evidence (near copy, spin shown by function words, a high rewrite score) merges.
    weak = Similarity(0.2, 0.4, 0.45, 0.8, 0.33, function=0.05, coverage=0.3)
    assert copy_kind(weak, PARAMS)[0] == "rewrite"
    assert not strong(weak, PARAMS)
    spun = Similarity(0.05, 0.1, 0.2, 0.1, 0.1, function=0.3, coverage=0.9)
    assert copy_kind(spun, PARAMS)[0] == "rewrite" and strong(spun, PARAMS)


def test_a_title_cut_from_the_first_sentence_adds_no_title_evidence():
    text = "Troops of the alliance began leaving the city on Thursday after a week of unrest."
    assert (
        informative_title("Troops of the alliance began leaving the city", content_words(text))
        == []
    )
    assert informative_title("Unrest", content_words(text)) == []
    declared = "Peacekeepers start to withdraw"
    assert informative_title(declared, content_words(text)) == content_words(declared)


def test_function_words_carry_a_russian_report_through_a_synonym_spin(sample):
    # Content words swapped one in two (as a thesaurus spinner does); the function words
    # and their order stay, so the spun copy is still found, and another report is not.
    russian = [
        a for a in sample if a["site"] in ("stepnoy-vestnik.example", "evrazia-segodnya.example")
    ]
    assert len(russian) >= 2
    original, other = as_input(russian[0]), as_input(russian[1])
    words = original.text.split(" ")
    spun = " ".join(
        w if w.casefold().strip(".,«»") in FUNCTION_WORDS or i % 2 else w[::-1]
        for i, w in enumerate(words)
    )
    a, b = fingerprint(original.title, original.text), fingerprint(None, spun)
    sim = similarity(a, b)
    assert sim.shingles < 0.5 and sim.function > 0.5
    assert copy_kind(sim, PARAMS)[0] == "rewrite"
    assert copy_kind(similarity(a, fingerprint(other.title, other.text)), PARAMS)[0] is None
