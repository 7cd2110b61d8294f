-- newswatch warehouse, schema version 12: a word index for the explorer's search.
-- Scanning every text with ILIKE costs a pass over all text per search (about 200 ms at a
-- million short articles, and it grows with text length); this table is the inverted index
-- that DuckDB's fts extension would keep, in plain SQL because that extension cannot be
-- installed offline (docs/warehouse.md). Kept at load time (Warehouse.load, the same
-- transaction as the article) and filled from the stored articles when this migration runs.
-- Articles are never rewritten, so an article's rows never change after its load.
CREATE TABLE article_terms (
    article_no UBIGINT NOT NULL,    -- hash(article_key), as story_entities.story_no
    term       VARCHAR NOT NULL,    -- a lower-case run of letters and digits of title or text
    tf         INTEGER NOT NULL,    -- how often the article holds it
    words      INTEGER NOT NULL,    -- the article's length in words, for BM25
    event_time TIMESTAMP NOT NULL   -- article_events.event_time: date filters need no join
);

-- The key of each indexed article, so the few best hits are fetched by key.
CREATE TABLE article_docs (
    article_no  UBIGINT NOT NULL,
    article_key VARCHAR NOT NULL
);
