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
