"""The real-page extraction bench's scoring, on pages of our own (the public sets stay out of
the repository)."""

from bench.clean_real import Page, Score, recall_of, score_page


def test_body_scoring_counts_words_and_leaked_lines():
    page = Page("k", "https://x.example/a", "", body="Troops reached Almaty on Friday.")
    tp, fp, fn, leaked, base = score_page(
        page, "Troops reached Almaty on Friday.\nSubscribe to our newsletter today"
    )
    assert (tp, fn) == (5, 0) and fp == 5
    assert (leaked, base) == (1, 2)
    assert recall_of(page, None) == 0.0


def test_snippet_scoring_is_trafilaturas():
    page = Page("k", "u", "", with_=("reached Almaty", "on Friday"), without=("Impressum",))
    assert score_page(page, "Troops REACHED  almaty.\nImpressum") == (1, 1, 1, 1, 1)
    s = Score(tp=8, fp=2, fn=2)
    assert all(abs(x - 0.8) < 1e-9 for x in s.f1())


def test_a_marked_article_under_the_minimum_is_a_markup_test_not_an_article(tmp_path):
    from bench.clean_real import is_article, readability_pages

    assert not is_article(Page("k", "u", "", body="abc def ghi"))
    assert is_article(Page("k", "u", "", body="Troops reached Almaty on Friday. " * 6))
    assert is_article(Page("k", "u", "", with_=("reached Almaty",)))  # snippet sets: always
    folder = tmp_path / "readability" / "test-pages" / "site-1"
    folder.mkdir(parents=True)
    (folder / "source.html").write_text("<html><body><p>Whole page</p></body></html>")
    (folder / "expected.html").write_text("<div><p>Kept <b>text</b></p></div>")
    [page] = readability_pages(tmp_path)
    assert (page.key, page.body, page.url) == ("site-1", "Kept text", "http://fakehost/test/site-1")


def test_the_wceb_set_reads_its_ground_truth_files_and_gzip_pages(tmp_path):
    import gzip
    import json

    from bench.clean_real import wceb_pages

    (tmp_path / "wceb" / "ground-truth").mkdir(parents=True)
    (tmp_path / "wceb" / "html").mkdir()
    for file_id, content in (("0001", "Troops reached Almaty."), ("0002", "")):
        row = {"file_id": file_id, "url": f"https://x.example/{file_id}"}
        row["ground_truth"] = {"main_content": content, "with": [], "without": []}
        (tmp_path / "wceb" / "ground-truth" / f"{file_id}.json").write_text(json.dumps(row))
        html = f"<html><body><p>{content}</p></body></html>".encode()
        (tmp_path / "wceb" / "html" / f"{file_id}.html.gz").write_bytes(gzip.compress(html))
    # A page without marked content cannot be scored and is left out.
    [page] = wceb_pages(tmp_path)
    assert (page.key, page.url) == ("0001", "https://x.example/0001")
    assert page.body == "Troops reached Almaty." and "<p>Troops reached Almaty.</p>" in page.html
