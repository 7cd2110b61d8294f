"""The synthetic corpus, the spinner and the labelled story set behave as the benchmarks need."""

from __future__ import annotations

import difflib
import html
import random
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import feedparser
import pytest

from bench import newsgen, spinner, stories_set
from bench.newsgen import (
    Report,
    generate_reports,
    render_html,
    render_rss,
    split_sentences,
    words_of,
)
from bench.spinner import add_boilerplate, reorder_sentences, spin, spin_title, tokens
from bench.stories_set import COPY_KINDS, ORIGINAL_KINDS, build_labelled_set


@pytest.fixture(scope="module")
def reports() -> list[Report]:
    return generate_reports(400, seed=3)


@pytest.fixture(scope="module")
def labelled() -> list[stories_set.Item]:
    return build_labelled_set()


# -- generator ------------------------------------------------------------------------------


def test_same_seed_same_reports_other_seed_other_reports() -> None:
    a = generate_reports(40, seed=11)
    assert a == generate_reports(40, seed=11)
    assert [r.text for r in a] != [r.text for r in generate_reports(40, seed=12)]


def test_prefix_of_a_longer_run_is_the_shorter_run() -> None:
    assert generate_reports(30, seed=5) == generate_reports(60, seed=5)[:30]


def test_n_distinct_reports_with_unique_ids_and_urls(reports: list[Report]) -> None:
    assert len(reports) == 400
    assert len({r.report_id for r in reports}) == 400
    assert len({r.url for r in reports}) == 400
    assert len({r.text for r in reports}) == 400
    for r in reports:
        assert re.fullmatch(
            r"https://[a-z0-9]+\.example/[a-z]+/\d{4}/\d\d/\d\d/[a-z0-9-]+\.html", r.url
        )
        assert r.url.startswith(f"https://{r.site}/{r.section}/{r.published:%Y/%m/%d}/")
        assert r.published.utcoffset() is not None and r.published.utcoffset().total_seconds() == 0


def test_events_have_one_to_three_outlets_plus_optional_followup(reports: list[Report]) -> None:
    by_event: dict[str, list[Report]] = defaultdict(list)
    for r in reports:
        by_event[r.event_id].append(r)
    sizes = Counter(len(v) for v in by_event.values())
    assert set(sizes) <= {1, 2, 3, 4} and sizes[1] and sizes[2] and sizes[3]
    for group in by_event.values():
        base = [r for r in group if not r.followup]
        assert len({r.site for r in base}) == len(base)  # independent outlets
        for fu in (r for r in group if r.followup):
            first = min(r.published for r in group)
            assert fu.published - first > timedelta(hours=12)
    assert 0.1 < sum(r.followup for r in reports) / len(by_event) < 0.4


def test_no_sentence_of_12_words_appears_in_two_reports(reports: list[Report]) -> None:
    # No allowed exceptions: even a follow-up restates background facts in new words.
    owner: dict[str, str] = {}
    for r in reports:
        for sentence in split_sentences(r.text):
            words = words_of(sentence)
            if len(words) >= 12:
                key = " ".join(words)
                assert owner.setdefault(key, r.report_id) == r.report_id, sentence


def _sentence_grams(text: str, n: int) -> set[tuple[str, ...]]:
    grams = set()
    for sentence in split_sentences(text):
        words = words_of(sentence)
        grams.update(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    return grams


def test_reports_on_one_event_share_no_12_word_run(reports: list[Report]) -> None:
    # Same event, different outlet: overlapping facts, but no sentence shares 12 words in a row.
    by_event: dict[str, list[Report]] = defaultdict(list)
    for r in reports:
        by_event[r.event_id].append(r)
    for group in by_event.values():
        seen: dict[tuple[str, ...], str] = {}
        for r in group:
            for gram in _sentence_grams(r.text, 12):
                assert seen.setdefault(gram, r.report_id) == r.report_id, " ".join(gram)


def test_different_events_share_only_short_phrases(reports: list[Report]) -> None:
    # Fixed template wording may repeat across events, but not whole 20-word stretches.
    owner: dict[tuple[str, ...], str] = {}
    for r in reports:
        for gram in _sentence_grams(r.text, 20):
            assert owner.setdefault(gram, r.event_id) == r.event_id, " ".join(gram)


def test_length_and_paragraph_count(reports: list[Report]) -> None:
    for r in reports:
        assert 250 <= len(words_of(r.text)) <= 800, r.report_id
        assert 5 <= len(r.paragraphs) <= 10
        assert r.text.count("\n\n") == len(r.paragraphs) - 1
        assert 3 <= len(r.title.split()) <= 20


def test_many_domains_and_templates(reports: list[Report]) -> None:
    assert len(newsgen.DOMAINS) >= 12
    assert sum(1 for _ in newsgen.iter_templates()) >= 150
    assert {r.section for r in reports} >= {"world", "politics", "business", "sport", "science"}
    assert len({r.title for r in reports}) >= 0.95 * len(reports)
    assert len({r.site for r in reports}) == len(newsgen.SITES)


# -- HTML and RSS ---------------------------------------------------------------------------


@pytest.mark.parametrize("template", newsgen.TEMPLATES)
def test_html_page_has_article_metadata_and_chrome(reports: list[Report], template: str) -> None:
    report = reports[7]
    page = render_html(report, template=template)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert f'<link rel="canonical" href="{report.url}">' in page
    assert f'<meta property="og:title" content="{html.escape(report.title)}">' in page
    assert f'content="{report.published.isoformat()}"' in page
    assert "<h1" in page and html.escape(report.title, quote=False) in page
    for para in report.paragraphs:
        assert f"<p>{html.escape(para, quote=False)}</p>" in page
    assert re.search(
        r"• (Mon|Tue|Wed|Thu|Fri|Sat|Sun)\. [A-Z][a-z]{2} \d{1,2}(st|nd|rd|th), \d{4}", page
    )
    assert "<nav" in page and "<footer" in page and "©" in page
    assert re.search(r"cookie|Cookie", page)
    plain = render_html(report, template=template, extra_boilerplate=False)
    assert len(plain) < len(page) and "cookie" not in plain.lower()


def test_site_template_is_default_and_protection_notice_appears(reports: list[Report]) -> None:
    templates_used = set()
    for r in reports[:60]:
        site = newsgen.site_info(r.site)
        templates_used.add(site.template)
        assert render_html(r) == render_html(r, template=site.template)
    assert len(templates_used) >= 4
    assert "error: Content is protected !!" in render_html(reports[0], template="classic")
    assert "error: Content is protected !!" in render_html(reports[0], template="farm")
    assert render_html(reports[0]) == render_html(reports[0])  # deterministic chrome


def test_date_banner_format() -> None:
    when = datetime(2022, 1, 11, 9, 0, tzinfo=UTC)
    assert newsgen.date_banner(when) == "• Tue. Jan 11th, 2022"


def test_rss_parses_with_rebased_links(reports: list[Report]) -> None:
    site = reports[0].site
    mine = [r for r in reports if r.site == site][:15]
    base = "http://127.0.0.1:8765/feeds/x"
    feed = feedparser.parse(render_rss(mine, site=site, base_url=base))
    assert not feed.bozo, feed.bozo_exception
    assert len(feed.entries) == len(mine)
    for entry, r in zip(feed.entries, mine, strict=True):
        assert entry.title == r.title
        assert entry.link == base + r.url.removeprefix(f"https://{site}")
        assert entry.id == entry.link
        assert entry.summary == r.paragraphs[0]
        assert entry.published_parsed[:5] == r.published.timetuple()[:5]


# -- spinner --------------------------------------------------------------------------------


def _changed_fraction(a: str, b: str) -> float:
    ta, tb = tokens(a), tokens(b)
    matcher = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    return 1 - sum(block.size for block in matcher.get_matching_blocks()) / len(ta)


def test_synonym_table_covers_the_generator_vocabulary(reports: list[Report]) -> None:
    assert len(spinner.SYNONYMS) >= 400
    for r in reports[:150]:
        toks = tokens(r.text)
        assert sum(spinner.has_synonym(t) for t in toks) / len(toks) >= 0.35, r.report_id


def test_spin_at_0_2_changes_15_to_25_percent_and_keeps_paragraphs(reports: list[Report]) -> None:
    rng = random.Random(4)
    for r in reports[:60]:
        spun = spin(r.text, 0.2, rng)
        assert 0.15 <= _changed_fraction(r.text, spun) <= 0.25
        assert spun.count("\n\n") == r.text.count("\n\n")
        assert abs(len(tokens(spun)) - len(tokens(r.text))) <= 0.1 * len(tokens(r.text))


def test_spin_rates_are_ordered_and_deterministic(reports: list[Report]) -> None:
    text = reports[1].text
    fractions = [
        _changed_fraction(text, spin(text, rate, random.Random(1))) for rate in (0.1, 0.33)
    ]
    assert 0.07 <= fractions[0] <= 0.14 and 0.27 <= fractions[1] <= 0.39
    assert spin(text, 0.2, random.Random(9)) == spin(text, 0.2, random.Random(9))
    assert spin(text, 0.0, random.Random(9), mangle_names=0, mangle_numbers=0) == text


def test_spin_keeps_capitalisation_and_mangles_names_and_numbers() -> None:
    text = "Maxim Suchkov said 3,000 police officers and 12 boats were deployed.\n\nGrace left."
    out = spin(text, 0.0, random.Random(0), mangle_names=1.0, mangle_numbers=1.0)
    expected = "Proverb Suchkov said three,000 police officers and twelve boats were deployed."
    assert out == expected + "\n\nElegance left."
    out = spin("Police said. POLICE said.", 1.0, random.Random(2), mangle_names=0, mangle_numbers=0)
    first, second = out.split(". ")
    assert first[0].isupper() and second.split()[0].isupper()
    assert spin("The 2022 season", 0.0, random.Random(0), mangle_numbers=1.0) == "The 2022 season"


def test_spin_title_always_changes_something(reports: list[Report]) -> None:
    rng = random.Random(3)
    changed = sum(spin_title(r.title, 0.1, rng) != r.title for r in reports[:50])
    assert changed >= 45


def test_reorder_keeps_sentences_and_first_paragraph_position(reports: list[Report]) -> None:
    rng = random.Random(5)
    for r in reports[:30]:
        out = reorder_sentences(r.text, rng)
        assert out != r.text
        assert sorted(split_sentences(out)) == sorted(split_sentences(r.text))
        assert sorted(split_sentences(out.split("\n\n")[0])) == sorted(
            split_sentences(r.paragraphs[0])
        )


def test_boilerplate_is_added_around_the_text(reports: list[Report]) -> None:
    rng = random.Random(6)
    for r in reports[:20]:
        out = add_boilerplate(r.text, rng)
        assert all(p in out.split("\n\n") for p in r.paragraphs)
        assert len(out.split("\n\n")) >= len(r.paragraphs) + 2


# -- labelled set ---------------------------------------------------------------------------


def test_every_kind_present_in_the_promised_amounts(labelled: list[stories_set.Item]) -> None:
    counts = Counter(i.kind for i in labelled)
    for kind in COPY_KINDS:
        assert counts[kind] >= 60, kind
    assert counts["same_event"] + counts["followup"] >= 80
    assert counts["original"] and counts["followup"] and counts["same_template"] >= 40
    assert set(counts) == set(COPY_KINDS) | set(ORIGINAL_KINDS)
    originals = [i for i in labelled if i.kind in ORIGINAL_KINDS]
    per_site = Counter(i.site for i in originals)
    assert sum(1 for i in originals if per_site[i.site] >= 2) >= 40


def test_copies_point_at_their_original_and_share_its_story(
    labelled: list[stories_set.Item],
) -> None:
    by_id = {i.item_id: i for i in labelled}
    assert len(by_id) == len(labelled)
    assert len({i.url for i in labelled}) == len(labelled)
    truth = stories_set.truth_story(labelled)
    for item in labelled:
        if item.kind in ORIGINAL_KINDS:
            assert item.source_of is None
            continue
        src = by_id[item.source_of or ""]
        assert src.kind in ORIGINAL_KINDS and src.kind != "same_template"
        assert truth[item.item_id] == truth[src.item_id] == src.story_id
        if item.kind == "exact":
            assert (item.title, item.text) == (src.title, src.text)
        elif item.kind.startswith("spun"):
            assert item.site.endswith(".example") and item.site != src.site
            assert item.text != src.text and item.title != src.title
        else:
            assert item.site != src.site and item.text != src.text
    stories = Counter(i.story_id for i in labelled if i.kind in ORIGINAL_KINDS)
    assert max(stories.values()) == 1  # hard negatives are their own stories


def test_exact_copies_use_every_url_variant_on_and_off_site(
    labelled: list[stories_set.Item],
) -> None:
    by_id = {i.item_id: i for i in labelled}
    exact = [i for i in labelled if i.kind == "exact"]
    same_site = [i for i in exact if i.site == by_id[i.source_of or ""].site]
    assert 0.3 <= len(same_site) / len(exact) <= 0.7
    kinds = set()
    for item in same_site:
        url, src = item.url, by_id[item.source_of or ""].url
        assert url != src
        if "utm_source=" in url:
            kinds.add("tracking")
        elif "/amp/" in url or url.endswith("?amp=1"):
            kinds.add("amp")
        elif "://m." in url:
            kinds.add("mobile")
        elif url.startswith("http://"):
            kinds.add("http")
        elif url.endswith("/"):
            kinds.add("slash")
        elif url.lower() == src:
            kinds.add("upper")
    assert kinds == set(stories_set.URL_VARIANTS)


def test_labelled_set_is_deterministic_and_shuffled(labelled: list[stories_set.Item]) -> None:
    again = build_labelled_set()
    assert again == labelled
    positions = {i.item_id: n for n, i in enumerate(labelled)}
    assert any(positions[i.item_id] < positions[i.source_of] for i in labelled if i.source_of)
