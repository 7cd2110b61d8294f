-- newswatch warehouse, schema version 4: stories. A story is one report and all its copies
-- (exact, syndicated, spun); its key is the article key of the first article seen of it.

ALTER TABLE articles ADD COLUMN story_key VARCHAR;
ALTER TABLE articles ADD COLUMN text_hash VARCHAR;       -- sha256 of the normalised text
ALTER TABLE articles ADD COLUMN copy_of VARCHAR;         -- the article it was found to copy
ALTER TABLE articles ADD COLUMN copy_kind VARCHAR;       -- exact | near | rewrite | canonical
ALTER TABLE articles ADD COLUMN copy_score DOUBLE;

-- Articles stored before stories existed are each their own story until `newswatch stories
-- --rebuild` (run automatically by the next pipeline run) indexes them.
UPDATE articles SET story_key = article_key;

CREATE TABLE stories (
    story_key  VARCHAR PRIMARY KEY,
    first_seen TIMESTAMP NOT NULL,                   -- earliest event time of its articles
    last_seen  TIMESTAMP NOT NULL,
    title      VARCHAR,                              -- earliest title that is not a rewrite
    url        VARCHAR,                              -- that article's URL
    sources    VARCHAR[] NOT NULL,
    sites      VARCHAR[] NOT NULL,
    articles   INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

INSERT INTO stories
SELECT article_key, coalesce(least(published, fetched_at), fetched_at),
       coalesce(least(published, fetched_at), fetched_at), title, url, [source],
       CASE WHEN site IS NULL THEN [] ELSE [site] END, 1, fetched_at
FROM articles;

-- The LSH buckets of each article's two MinHash signatures (see extractors/stories.py): an
-- article's copy candidates are the articles that share a bucket with it.
CREATE TABLE story_index (
    bucket      BIGINT NOT NULL,
    article_key VARCHAR NOT NULL,
    day         DATE NOT NULL                        -- when indexed: old buckets can be pruned
);

ALTER TABLE alerts ADD COLUMN story_key VARCHAR;
UPDATE alerts SET story_key = article_key WHERE article_key <> '';
