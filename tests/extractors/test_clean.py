"""extract_article on pages we wrote: text, metadata, boilerplate gone, clear rejections."""

from pathlib import Path

from extractors.clean import CleanArticle, extract_article
from extractors.config import CleanSettings
from newswatch.settings import load_settings

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"
BOILERPLATE = [
    "Content is protected",
    "Wed. Jul 6th",
    "min read",
    "ALSO READ",
    "Share on",
    "cookies",
    "Advertisement",
    "Leave a Reply",
]


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def _precise() -> CleanSettings:
    """The shipped clean settings in trafilatura's precision mode."""
    return load_settings(env={}).clean.model_copy(update={"focus": "precision"})


def clean(html: str, url: str) -> CleanArticle | None:
    """The article the pipeline would keep, with the shipped clean settings."""
    return extract_article(html, url, load_settings(env={}).clean).article


def test_article_text_and_metadata():
    art = clean(page("banner_site.html"), "https://tienshan-post.example/2022/01/08/airport")
    assert art is not None
    assert art.title == "Peacekeepers guard Almaty airport"
    assert art.text.startswith("Soldiers sent by the CSTO took up positions")
    assert "first time the bloc's collective force" in art.text
    assert art.published is not None and art.published.date().isoformat() == "2022-01-08"
    assert art.language == "en"
    assert art.site == "tienshan-post.example"


def test_no_boilerplate_survives_on_either_template():
    for name in ("banner_site.html", "glued_notice.html"):
        art = clean(page(name), f"https://x.example/{name}")
        assert art is not None, name
        for phrase in BOILERPLATE:
            assert phrase.lower() not in art.text.lower(), (name, phrase)
    art = clean(page("glued_notice.html"), "https://x.example/g")
    assert art is not None and "Askar Mamin resigned." in art.text


def test_rejections_have_reasons():
    settings = load_settings(env={}).clean
    assert extract_article("", None, settings).reason == "empty page"
    short = "<html><body><article><p>Troops arrived.</p></article></body></html>"
    out = extract_article(short, "https://x.example/s", settings)
    assert out.article is None and out.reason is not None
    assert out.reason.startswith(("too short", "not an article"))
    out = extract_article("<html><body><nav>Home</nav></body></html>", None, settings)
    assert out.article is None and out.reason


def test_broken_and_hostile_html_never_raises():
    settings = load_settings(env={}).clean
    for html in [
        "<html><body><p>unclosed <b><i>" * 500,
        "\x00\x01\x02 binary",
        "<" * 10_000,
        "<div>" * 20_000 + "text",
    ]:
        out = extract_article(html, None, settings)
        assert out.article is not None or out.reason
    huge = "<p>" + "word " * 2_000_000 + "</p>"
    assert extract_article(huge, None, settings).reason.startswith("page too large")


def _span_page() -> str:
    """A page whose text sits in bare spans: trafilatura's fast pass finds nothing in it."""
    para = (
        "Troops from the regional security bloc reached Almaty on the second day of the unrest, "
        "and officials said the airport would reopen once the contingent had secured it. "
    ) * 4
    return f"<html><body><div><span>{para}</span><br><span>{para}</span></div></body></html>"


def test_fast_pass_falls_back_to_the_full_extractors_when_it_finds_no_article():
    from extractors.clean import _main_text, _parse

    clean = _precise()
    assert clean.fast
    tree = _parse(_span_page())
    fast_only = _main_text(tree, None, clean, fast=True, focus="precision")  # type: ignore[arg-type]
    assert not isinstance(fast_only, str)  # the fast pass alone finds no article here
    outcome = extract_article(_span_page(), "https://x.example/span", clean)
    assert outcome.article is not None and "reached Almaty" in outcome.article.text
    # The shipped recall mode reads it in its first pass.
    shipped = load_settings(env={}).clean
    outcome = extract_article(_span_page(), "https://x.example/span", shipped)
    assert outcome.article is not None and "reached Almaty" in outcome.article.text


def _bordered_review() -> str:
    """A review whose body sits in a bordered block: trafilatura's precision mode drops such
    blocks (as it did an engadget review's body) and keeps only the two-sentence lead."""
    lead = (
        "<p>The new console is the most powerful one yet, and it runs most of its games at a "
        "higher resolution than its rival does.</p><p>Its price, though, keeps it for the "
        "devoted few who already own many of its games and a large television.</p>"
    )
    body = "".join(
        f"<p>Part {i} of the review: the reviewer played it for two weeks with several titles, "
        "a new controller and an old television, and measured how loud the fan became.</p>"
        for i in range(12)
    )
    return (
        f"<html><body><article><h1>Review</h1>{lead}"
        f"<div style='border-top:1px solid #ccc'>{body}</div></article></body></html>"
    )


def test_the_shipped_recall_mode_reads_the_bordered_review_whole_in_one_pass():
    from extractors.clean import _main_text, _parse

    clean = load_settings(env={}).clean
    assert clean.focus == "recall"
    text = _main_text(_parse(_bordered_review()), None, clean, fast=True, focus="recall")  # type: ignore[arg-type]
    assert isinstance(text, str) and all(f"Part {i} of" in text for i in range(12))


def test_a_precision_text_that_covers_little_of_the_page_is_read_again_in_balanced_mode():
    from extractors.clean import _covers_little, _main_text, _parse

    clean = _precise()
    tree = _parse(_bordered_review())
    lead_only = _main_text(tree, None, clean, fast=True, focus="precision")  # type: ignore[arg-type]
    assert isinstance(lead_only, str) and "Part 3" not in lead_only
    assert _covers_little(lead_only, tree)  # type: ignore[arg-type]
    outcome = extract_article(_bordered_review(), "https://x.example/review", clean)
    assert outcome.article is not None
    assert "Its price, though" in outcome.article.text
    assert all(f"Part {i} of the review" in outcome.article.text for i in range(12))


def test_a_precision_text_that_holds_the_article_is_not_read_again():
    from extractors.clean import _covers_little, _main_text, _parse

    clean = _precise()
    page = _bordered_review().replace("style='border-top:1px solid #ccc'", "")
    tree = _parse(page)
    text = _main_text(tree, None, clean, fast=True, focus="precision")  # type: ignore[arg-type]
    assert isinstance(text, str) and "Part 11" in text
    assert not _covers_little(text, tree)  # type: ignore[arg-type]


def _paragraphs(n: int, sentence: str) -> str:
    """n numbered paragraphs of one sentence."""
    return "".join(f"<p>Paragraph {i}: {sentence}</p>" for i in range(n))


def test_table_text_is_kept():
    clean = load_settings(env={}).clean
    rows = "".join(
        f"<tr><td>Region {i}</td><td>{i * 120} troops deployed by the bloc</td></tr>"
        for i in range(6)
    )
    intro = _paragraphs(
        4,
        "the defence ministry published the contingent's size by region on Thursday, after "
        "the first planes landed near the city.",
    )
    page = f"<html><body><article>{intro}<table>{rows}</table></article></body></html>"
    outcome = extract_article(page, "https://x.example/table", clean)
    assert outcome.article is not None
    assert "600 troops deployed by the bloc" in outcome.article.text


def test_the_date_comes_from_markup_not_from_the_text():
    clean = load_settings(env={}).clean
    body = _paragraphs(
        5,
        "the mission, first announced on 6 January 2022, ended with the last planes leaving "
        "the airport and the troops flying home.",
    )
    plain = f"<html><body><article>{body}</article></body></html>"
    out = extract_article(plain, "https://x.example/a", clean)
    assert out.article is not None and out.article.published is None
    dated = plain.replace(
        "<html>",
        '<html><head><meta property="article:published_time" content="2022-01-13T09:00:00Z">'
        "<title>Troops leave</title></head>",
    )
    out = extract_article(dated, "https://x.example/b", clean)
    assert out.article is not None and out.article.published is not None
    assert out.article.published.date().isoformat() == "2022-01-13"
    assert out.article.title == "Troops leave"


def test_an_article_precision_mode_cuts_to_nothing_is_read_in_recall_mode():
    # Old table layouts (one cell per paragraph) are read whole by trafilatura's default
    # mode and to nothing by its precision mode; the cleaner falls back rather than reject.
    from extractors.clean import _main_text, _parse

    # Without table text, precision mode reads nothing here (with it, the cells come as rows).
    clean = _precise().model_copy(update={"include_tables": False})
    paras = [
        f"Officials in Almaty said on day {i} that the curfew would stay while troops guarded "
        "the airport and the main squares of the city."
        for i in range(8)
    ]
    html = "<html><body><table><tr><td>" + "</td></tr><tr><td>".join(paras) + "</td></tr>"
    html += "</table></body></html>"
    tree = _parse(html)
    precise = _main_text(tree, None, clean, fast=False, focus="precision")  # type: ignore[arg-type]
    assert not isinstance(precise, str)
    outcome = extract_article(html, "https://x.example/t", clean)
    assert outcome.article is not None
    assert all(p in outcome.article.text for p in paras)


def test_bot_protection_markers_in_a_long_article_do_not_block_it():
    # Real articles load bot-protection scripts (captcha, DataDome) before a long text; only
    # a page with little text of its own is taken for a challenge.
    clean = load_settings(env={}).clean
    body = "".join(
        f"<p>Paragraph {i}: the government in Astana said troops would stay for days while "
        "the airport reopened and flights from Moscow resumed.</p>"
        for i in range(30)
    )
    script = "<script src='https://js.datadome.co/tags.js'></script><script>var captcha=1;</script>"
    html = f"<html><head>{script}</head><body><article>{body}</article></body></html>"
    outcome = extract_article(html, "https://x.example/long", clean)
    assert outcome.article is not None, outcome.reason
    # DataDome's block page serves its captcha from captcha-delivery.com.
    block = "<script src='https://ct.captcha-delivery.com/c.js'></script>"
    short = f"<html><head>{script}{block}</head><body><p>Please wait.</p></body></html>"
    assert extract_article(short, "https://x.example/w", clean).reason == (
        "blocked: anti-bot challenge"
    )


def test_fast_and_full_extraction_agree_on_our_pages():
    clean = load_settings(env={}).clean
    full = clean.model_copy(update={"fast": False})
    samples = Path(__file__).parents[2] / "samples" / "csto-2022" / "pages"
    paths = sorted(PAGES.glob("*.html")) + sorted(samples.rglob("*.html"))
    assert len(paths) >= 19
    for path in paths:
        html = path.read_text(encoding="utf-8")
        a = extract_article(html, f"https://x.example/{path.name}", clean)
        b = extract_article(html, f"https://x.example/{path.name}", full)
        assert (a.article and a.article.text) == (b.article and b.article.text), path.name


def test_a_page_of_too_many_elements_is_rejected_before_it_is_parsed() -> None:
    settings = load_settings(env={}).clean
    # 600,000 sibling elements in 4 MB: 24 s and 800 MB to clean before the cap.
    flood = "<html><body><article><h1>CSTO</h1>" + "<p>x</p>" * 600_000 + "</article>"
    outcome = extract_article(flood, "https://x.example/a", settings)
    assert outcome.article is None
    assert outcome.reason == "page too complex: over 30000 elements (clean.max_elements)"
    # An article under the cap still reads.
    page = "<html><body><article><h1>CSTO</h1>" + "<p>Troops landed in Almaty.</p>" * 2_000
    assert extract_article(page, "https://x.example/b", settings).article is not None


def _brief(head: str, text: str) -> str:
    """A page holding one short post, with `head` in its head."""
    return (
        f"<html><head><title>Brief</title>{head}</head><body><nav><a href='/'>Home</a></nav>"
        f"<article><p>{text}</p></article><footer>Site footer</footer></body></html>"
    )


# 118 characters: a one-sentence news brief, under clean.min_chars (150).
BRIEF = (
    "Paratroopers of the bloc landed near Almaty on Friday, and the airport was back under "
    "government control by the evening."
)


def test_a_short_post_on_a_page_that_declares_an_article_is_kept():
    clean = load_settings(env={}).clean
    assert clean.min_chars_declared < len(BRIEF) < clean.min_chars
    og = '<meta property="og:type" content="article">'
    out = extract_article(_brief(og, BRIEF), "https://x.example/og", clean)
    assert out.article is not None, out.reason
    assert out.article.text == BRIEF
    ld = (
        '<script type="application/ld+json">{"@context": "https://schema.org", '
        '"@type": "NewsArticle", "headline": "Brief"}</script>'
    )
    out = extract_article(_brief(ld, BRIEF), "https://x.example/ld", clean)
    assert out.article is not None, out.reason


def test_a_short_text_without_article_markup_or_under_the_floor_is_rejected():
    clean = load_settings(env={}).clean
    out = extract_article(_brief("", BRIEF), "https://x.example/plain", clean)
    assert out.article is None and (out.reason or "").startswith("too short")
    website = '<meta property="og:type" content="website">'
    out = extract_article(_brief(website, BRIEF), "https://x.example/site", clean)
    assert out.article is None and (out.reason or "").startswith("too short")
    og = '<meta property="og:type" content="article">'
    stub = "Troops landed near Almaty on Friday."
    out = extract_article(_brief(og, stub), "https://x.example/stub", clean)
    assert out.article is None and (out.reason or "").startswith("too short")


def test_a_short_challenge_page_that_declares_an_article_is_still_blocked():
    clean = load_settings(env={}).clean
    head = (
        '<meta property="og:type" content="article">'
        "<script src='https://ct.captcha-delivery.com/c.js'></script>"
    )
    out = extract_article(_brief(head, BRIEF), "https://x.example/wall", clean)
    assert out.reason == "blocked: anti-bot challenge"


def test_a_recall_text_that_covers_a_tenth_of_the_page_is_read_again_as_trafilaturas_default(
    monkeypatch,
):
    # trafilatura's fast pass under-reads only some real layouts (a loan guide, a Spiegel
    # feature on traf), which cannot be shipped here: the passes' texts are given, and the
    # choice between them is what is tested.
    from extractors import clean as cleaning

    lead = "A lead of one sentence about the deployment near Almaty. " * 3  # 171 chars
    whole = lead + "And the rest of the report, paragraph after paragraph. " * 60
    page = f"<html><body><p>{lead}</p><div>{whole}</div></body></html>"  # page text ~3,500
    calls: list[tuple[bool, str]] = []

    def passes(tree, url, settings, *, fast, focus):
        calls.append((fast, focus))
        return lead if fast else whole

    monkeypatch.setattr(cleaning, "_main_text", passes)
    clean = load_settings(env={}).clean
    tree = cleaning._parse(page)
    assert cleaning._best_text(tree, None, clean) == whole  # type: ignore[arg-type]
    assert calls == [(True, "recall"), (False, "balanced")]
    # A text that holds more than a tenth of the page is not read again.
    calls.clear()
    short_page = f"<html><body><p>{lead}</p><div>{lead * 4}</div></body></html>"
    assert cleaning._best_text(cleaning._parse(short_page), None, clean) == lead  # type: ignore[arg-type]
    assert calls == [(True, "recall")]
