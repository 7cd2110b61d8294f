-- Keeping the trend tables of migration 007 in step with articles and mentions.
-- Warehouse.load merges one batch's counts (computed in Python from the batch, so a load never
-- scans `mentions`); Warehouse.rebuild_trends recomputes everything from the base tables.
-- Entity ids (16 hex digits) become numbers with ('0x' || entity_id)::UBIGINT; story keys
-- with hash(), which only has to agree within one story's rows (written in one statement).

-- name: merge_entity_hours
-- One batch's counts, from the relation `staged_entity_cells` (topic, entity_id, hour,
-- articles, mentions, stories) that Warehouse.load registers, added to the rows of the hours
-- it touches. The old rows of those hours are rewritten with the sums, so
-- each (topic, entity, hour) keeps one row. lo/hi bound the hours for zone-map pruning.
CREATE OR REPLACE TEMP TABLE merged_entity_hours AS
SELECT topic, entity_no, hour,
       sum(articles)::INTEGER AS articles,
       sum(mentions)::INTEGER AS mentions,
       sum(stories)::INTEGER AS stories
FROM (
    SELECT topic, entity_no, hour, articles, mentions, stories
    FROM entity_hours
    WHERE hour BETWEEN $lo AND $hi AND list_contains(CAST($hours AS TIMESTAMP[]), hour)
    UNION ALL
    SELECT topic, ('0x' || entity_id)::UBIGINT, CAST(hour AS TIMESTAMP), articles, mentions,
           stories
    FROM staged_entity_cells
)
GROUP BY ALL;

-- name: replace_entity_hours
DELETE FROM entity_hours
WHERE hour BETWEEN $lo AND $hi AND list_contains(CAST($hours AS TIMESTAMP[]), hour);

-- name: insert_merged_entity_hours
INSERT INTO entity_hours SELECT * FROM merged_entity_hours ORDER BY hour;

-- name: merge_entity_days
-- The same for days, from the same staged cells (lo, hi and days bound the days touched).
CREATE OR REPLACE TEMP TABLE merged_entity_days AS
SELECT topic, entity_no, day,
       sum(articles)::INTEGER AS articles,
       sum(mentions)::INTEGER AS mentions,
       sum(stories)::INTEGER AS stories
FROM (
    SELECT topic, entity_no, day, articles, mentions, stories
    FROM entity_days
    WHERE day BETWEEN $lo AND $hi AND list_contains(CAST($days AS DATE[]), day)
    UNION ALL
    SELECT topic, ('0x' || entity_id)::UBIGINT, CAST(hour AS DATE), articles, mentions, stories
    FROM staged_entity_cells
)
GROUP BY ALL;

-- name: replace_entity_days
DELETE FROM entity_days
WHERE day BETWEEN $lo AND $hi AND list_contains(CAST($days AS DATE[]), day);

-- name: insert_merged_entity_days
INSERT INTO entity_days SELECT * FROM merged_entity_days ORDER BY day;

-- name: merge_source_hours
-- From the relation `staged_source_cells` (source, hour, articles, stories).
CREATE OR REPLACE TEMP TABLE merged_source_hours AS
SELECT source, hour, sum(articles)::INTEGER AS articles, sum(stories)::INTEGER AS stories
FROM (
    SELECT source, hour, articles, stories
    FROM source_hours
    WHERE hour BETWEEN $lo AND $hi AND list_contains(CAST($hours AS TIMESTAMP[]), hour)
    UNION ALL
    SELECT source, CAST(hour AS TIMESTAMP), articles, stories FROM staged_source_cells
)
GROUP BY ALL;

-- name: replace_source_hours
DELETE FROM source_hours
WHERE hour BETWEEN $lo AND $hi AND list_contains(CAST($hours AS TIMESTAMP[]), hour);

-- name: insert_merged_source_hours
INSERT INTO source_hours SELECT * FROM merged_source_hours ORDER BY hour;

-- name: insert_story_entities
-- Bulk: (story keys, hours, entity id lists) of the batch's story-opening articles.
INSERT INTO story_entities (story_no, hour, entity_nos)
SELECT hash(k), h, list_sort(list_transform(l, lambda x: ('0x' || x)::UBIGINT))
FROM (
    SELECT unnest(CAST($story_keys AS VARCHAR[])) AS k,
           unnest(CAST($hours AS TIMESTAMP[])) AS h,
           unnest(CAST($entity_lists AS VARCHAR[][])) AS l
);

-- name: merge_first_seen
-- Bulk: (entity ids, event times, article keys): the batch's earliest article per entity.
-- An entity keeps the earliest article naming it (by event time, then key).
UPDATE entities AS e
SET first_seen = f.first_seen, first_article_key = f.article_key
FROM (
    SELECT unnest(CAST($entity_ids AS VARCHAR[])) AS entity_id,
           unnest(CAST($times AS TIMESTAMP[])) AS first_seen,
           unnest(CAST($article_keys AS VARCHAR[])) AS article_key
) AS f
WHERE e.entity_id = f.entity_id
  AND (e.first_seen IS NULL
       OR f.first_seen < e.first_seen
       OR (f.first_seen = e.first_seen AND f.article_key < e.first_article_key));

-- name: add_entity_totals
-- Bulk: (entity ids, articles, mentions, stories) a batch adds to each entity's totals.
UPDATE entities AS e
SET total_articles = e.total_articles + d.articles,
    total_mentions = e.total_mentions + d.mentions,
    total_stories = e.total_stories + d.stories
FROM (
    SELECT unnest(CAST($entity_ids AS VARCHAR[])) AS entity_id,
           unnest(CAST($articles AS BIGINT[])) AS articles,
           unnest(CAST($mentions AS BIGINT[])) AS mentions,
           unnest(CAST($stories AS BIGINT[])) AS stories
) AS d
WHERE e.entity_id = d.entity_id;

-- name: rebuild_clear
DELETE FROM entity_hours;
DELETE FROM entity_days;
DELETE FROM story_entities;
DELETE FROM source_hours;
UPDATE entities
SET entity_no = ('0x' || entity_id)::UBIGINT, first_seen = NULL, first_article_key = NULL, total_articles = 0, total_mentions = 0,
    total_stories = 0;

-- name: rebuild_entity_hours
INSERT INTO entity_hours
WITH arts AS (
    SELECT article_key, date_trunc('hour', event_time) AS hour,
           (story_key = article_key)::INTEGER AS opens
    FROM article_events
),
scoped AS (
    SELECT '' AS topic, article_key, hour, opens FROM arts
    UNION ALL
    SELECT tm.topic, arts.article_key, arts.hour, arts.opens
    FROM arts JOIN topic_matches tm USING (article_key)
)
SELECT s.topic, ('0x' || m.entity_id)::UBIGINT, s.hour,
       count(*)::INTEGER, sum(m.count)::INTEGER, sum(s.opens)::INTEGER
FROM scoped s
JOIN mentions m USING (article_key)
GROUP BY ALL
-- Clustered by topic, then hour: zone maps then skip other topics and other windows.
ORDER BY 1, 3;

-- name: rebuild_entity_days
INSERT INTO entity_days
SELECT topic, entity_no, CAST(hour AS DATE) AS day,
       sum(articles)::INTEGER, sum(mentions)::INTEGER, sum(stories)::INTEGER
FROM entity_hours
GROUP BY ALL
ORDER BY topic, day;

-- name: rebuild_story_entities
INSERT INTO story_entities
SELECT hash(ae.article_key),
       date_trunc('hour', ae.event_time) AS hour,
       list_sort(list(('0x' || m.entity_id)::UBIGINT))
FROM article_events ae
JOIN mentions m USING (article_key)
WHERE ae.story_key = ae.article_key
GROUP BY ALL
ORDER BY hour;

-- name: rebuild_source_hours
INSERT INTO source_hours
SELECT source, date_trunc('hour', event_time) AS hour, count(*)::INTEGER,
       count(*) FILTER (WHERE story_key = article_key)::INTEGER
FROM article_events
GROUP BY ALL
ORDER BY hour;

-- name: rebuild_first_seen
UPDATE entities AS e
SET first_seen = f.first_seen, first_article_key = f.article_key
FROM (
    SELECT m.entity_id,
           min(ae.event_time) AS first_seen,
           arg_min(m.article_key, (ae.event_time, m.article_key)) AS article_key
    FROM mentions m
    JOIN article_events ae USING (article_key)
    GROUP BY m.entity_id
) AS f
WHERE e.entity_id = f.entity_id;

-- name: rebuild_entity_totals
UPDATE entities AS e
SET total_articles = t.articles, total_mentions = t.mentions, total_stories = t.stories
FROM (
    SELECT entity_no, sum(articles) AS articles, sum(mentions) AS mentions,
           sum(stories) AS stories
    FROM entity_hours
    WHERE topic = ''
    GROUP BY entity_no
) AS t
WHERE e.entity_no = t.entity_no;

-- Merging stories: the merged story's opening articles stop opening a story, so each entity
-- they name loses one story in their hour, day and total (`$keys` are those articles).

-- name: unopened_cells
-- The (topic, entity, hour) cells those articles counted a story in.
CREATE OR REPLACE TEMP TABLE unopened_cells AS
SELECT s.topic, ('0x' || m.entity_id)::UBIGINT AS entity_no,
       date_trunc('hour', ae.event_time) AS hour, count(*)::INTEGER AS n
FROM (
    SELECT article_key, '' AS topic FROM articles
    WHERE article_key IN (SELECT unnest(CAST($keys AS VARCHAR[])))
    UNION ALL
    SELECT article_key, topic FROM topic_matches
    WHERE article_key IN (SELECT unnest(CAST($keys AS VARCHAR[])))
) AS s
JOIN article_events ae USING (article_key)
JOIN mentions m USING (article_key)
GROUP BY ALL;

-- name: unopen_entity_hours
UPDATE entity_hours AS h SET stories = h.stories - d.n
FROM unopened_cells AS d
WHERE h.topic = d.topic AND h.entity_no = d.entity_no AND h.hour = d.hour;

-- name: unopen_entity_days
UPDATE entity_days AS h SET stories = h.stories - d.n
FROM (
    SELECT topic, entity_no, CAST(hour AS DATE) AS day, sum(n)::INTEGER AS n
    FROM unopened_cells GROUP BY ALL
) AS d
WHERE h.topic = d.topic AND h.entity_no = d.entity_no AND h.day = d.day;

-- name: unopen_entity_totals
UPDATE entities AS e SET total_stories = e.total_stories - d.n
FROM (
    SELECT entity_id, count(*)::INTEGER AS n FROM mentions
    WHERE article_key IN (SELECT unnest(CAST($keys AS VARCHAR[])))
    GROUP BY entity_id
) AS d
WHERE e.entity_id = d.entity_id;

-- name: unopen_source_hours
UPDATE source_hours AS h SET stories = h.stories - d.n
FROM (
    SELECT source, date_trunc('hour', event_time) AS hour, count(*)::INTEGER AS n
    FROM article_events
    WHERE article_key IN (SELECT unnest(CAST($keys AS VARCHAR[])))
    GROUP BY ALL
) AS d
WHERE h.source = d.source AND h.hour = d.hour;

-- name: unopen_story_entities
DELETE FROM story_entities
WHERE story_no IN (SELECT hash(k) FROM (SELECT unnest(CAST($keys AS VARCHAR[])) AS k));
