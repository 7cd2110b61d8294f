-- newswatch warehouse, schema version 7: trend tables. All timestamps are UTC.
-- At a million articles, joining `mentions` to `articles` and counting distinct stories on
-- every trend query takes seconds. These tables are derived from articles, mentions and
-- topic_matches, kept at load time (Warehouse.load) and rebuilt in full by
-- Warehouse.rebuild_trends (after this migration and after a story re-index). Every trend
-- number is then a plain sum over a few rows per entity and hour.
--
-- A story counts once, in the hour of the article that opened it (the first one seen: its
-- key is the story key), for every entity that article names. Copies add articles and
-- mentions in their own hour but no stories. Sums over any window are therefore exact.

-- Per topic ('' = all articles), entity and event-time hour.
CREATE TABLE entity_hours (
    topic     VARCHAR NOT NULL,
    entity_no UBIGINT NOT NULL,       -- entities.entity_no
    hour      TIMESTAMP NOT NULL,
    articles  INTEGER NOT NULL,       -- articles naming the entity
    mentions  INTEGER NOT NULL,       -- how often they name it
    stories   INTEGER NOT NULL        -- of those articles, the ones that opened a story
);

-- The same per day: long windows read 30 rows per entity instead of 720.
CREATE TABLE entity_days (
    topic     VARCHAR NOT NULL,
    entity_no UBIGINT NOT NULL,
    day       DATE NOT NULL,
    articles  INTEGER NOT NULL,
    mentions  INTEGER NOT NULL,
    stories   INTEGER NOT NULL
);

-- One row per story: the entities its opening article names, for co-occurrence. A list per
-- story rather than a row per pair: an entity's partners are then an unnest of its stories'
-- lists, with no join.
CREATE TABLE story_entities (
    story_no   UBIGINT NOT NULL,      -- hash(story key)
    hour       TIMESTAMP NOT NULL,    -- event-time hour of the opening article
    entity_nos UBIGINT[] NOT NULL     -- sorted
);

-- Per source and event-time hour: articles, and the ones that opened a story.
CREATE TABLE source_hours (
    source   VARCHAR NOT NULL,
    hour     TIMESTAMP NOT NULL,
    articles INTEGER NOT NULL,
    stories  INTEGER NOT NULL
);

-- The entity id (16 hex digits) as a number, the key of the trend tables; when each entity was
-- first named (event time), by which article, and its totals so far.
ALTER TABLE entities ADD COLUMN entity_no UBIGINT;
ALTER TABLE entities ADD COLUMN first_seen TIMESTAMP;
ALTER TABLE entities ADD COLUMN first_article_key VARCHAR;
ALTER TABLE entities ADD COLUMN total_articles BIGINT NOT NULL DEFAULT 0;
ALTER TABLE entities ADD COLUMN total_mentions BIGINT NOT NULL DEFAULT 0;
ALTER TABLE entities ADD COLUMN total_stories BIGINT NOT NULL DEFAULT 0;
