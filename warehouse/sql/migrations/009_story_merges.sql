-- Stories merge when an article shows two of them to be one report (docs/stories.md). The
-- merged story's articles and alerts move to the surviving story; this table keeps the old
-- key, so a link to it still finds the story: always one hop, as later merges re-point it.
CREATE TABLE story_merges (
    merged_key  VARCHAR PRIMARY KEY,   -- the story key that went away
    into_key    VARCHAR NOT NULL,      -- the story it joined (the one first seen)
    article_key VARCHAR NOT NULL,      -- the article that matched both
    evidence    VARCHAR NOT NULL,      -- the article of the merged story it matched
    score       DOUBLE NOT NULL,
    merged_at   TIMESTAMP NOT NULL
);

-- A site's template lines are those that unrelated stories of the site carry: versions of one
-- story (an update under a new URL, a wire copy beside the site's own report) count once.
-- `marks` are the smallest hashes of the carriers' sentence-length lines (extractors/boilerplate.py).
-- Lines counted before this version keep their article count as their story count.
ALTER TABLE site_lines ADD COLUMN stories INTEGER DEFAULT 0;
ALTER TABLE site_lines ADD COLUMN marks BIGINT[] DEFAULT [];
UPDATE site_lines SET stories = articles;
