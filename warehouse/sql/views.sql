-- Analyst views, recreated on every writable open so they always match the code.
-- An article's event time is its published time, never later than when we fetched it
-- (pages that claim a future date are clamped), else its fetch time.
-- `articles` counts every copy that reached us; `stories` counts distinct reports (a story is
-- one report with its exact, syndicated and spun copies): trends should read `stories`.

CREATE OR REPLACE VIEW article_events AS
SELECT a.article_key,
       coalesce(a.story_key, a.article_key) AS story_key,
       a.title,
       a.url,
       a.source,
       a.site,
       coalesce(least(a.published, a.fetched_at), a.fetched_at) AS event_time
FROM articles a;

CREATE OR REPLACE VIEW entity_mentions AS
SELECT e.entity_id,
       e.name AS entity,
       e.label,
       m.article_key,
       ae.story_key,
       m.count,
       ae.event_time,
       ae.source,
       ae.site
FROM mentions m
JOIN entities e USING (entity_id)
JOIN article_events ae USING (article_key);

CREATE OR REPLACE VIEW entity_daily AS
SELECT entity,
       label,
       CAST(event_time AS DATE) AS day,
       sum(count)::BIGINT AS mentions,
       count(DISTINCT article_key) AS articles,
       count(DISTINCT story_key) AS stories
FROM entity_mentions
GROUP BY ALL;

CREATE OR REPLACE VIEW topic_entity_daily AS
SELECT tm.topic,
       em.entity,
       em.label,
       CAST(em.event_time AS DATE) AS day,
       sum(em.count)::BIGINT AS mentions,
       count(DISTINCT em.article_key) AS articles,
       count(DISTINCT em.story_key) AS stories
FROM entity_mentions em
JOIN topic_matches tm USING (article_key)
GROUP BY ALL;

CREATE OR REPLACE VIEW entity_first_seen AS
SELECT entity,
       label,
       min(event_time) AS first_seen,
       arg_min(article_key, event_time) AS first_article_key,
       count(DISTINCT article_key) AS articles,
       count(DISTINCT story_key) AS stories,
       sum(count)::BIGINT AS mentions
FROM entity_mentions
GROUP BY ALL;

-- "Now" is the newest event in the warehouse, so a backfilled archive trends like live data.
-- Counted in stories: twenty copies of one report are one piece of news.
CREATE OR REPLACE VIEW rising_entities AS
WITH anchor AS (SELECT max(event_time) AS now FROM article_events),
counts AS (
    SELECT em.entity,
           em.label,
           count(DISTINCT em.story_key) FILTER (
               WHERE em.event_time > anchor.now - INTERVAL 24 HOUR) AS last_24h,
           count(DISTINCT em.story_key) FILTER (
               WHERE em.event_time <= anchor.now - INTERVAL 24 HOUR
                 AND em.event_time > anchor.now - INTERVAL 8 DAY) AS previous_7d
    FROM entity_mentions em, anchor
    WHERE em.event_time > anchor.now - INTERVAL 8 DAY
    GROUP BY ALL
)
SELECT entity,
       label,
       last_24h,
       previous_7d,
       round(previous_7d / 7.0, 2) AS baseline_per_day,
       round((last_24h + 1) / (previous_7d / 7.0 + 1), 2) AS ratio
FROM counts
WHERE last_24h > 0
ORDER BY ratio DESC, last_24h DESC, entity;

CREATE OR REPLACE VIEW cooccurrence AS
SELECT a.entity AS entity_a,
       a.label AS label_a,
       b.entity AS entity_b,
       b.label AS label_b,
       count(DISTINCT a.article_key) AS articles,
       count(DISTINCT a.story_key) AS stories
FROM entity_mentions a
JOIN entity_mentions b
  ON a.article_key = b.article_key AND a.entity_id < b.entity_id
GROUP BY ALL;

-- Stories with their copies, newest first: what the monitor saw of each report.
CREATE OR REPLACE VIEW story_overview AS
SELECT s.story_key,
       s.first_seen,
       s.last_seen,
       s.title,
       s.url,
       s.articles,
       len(s.sources) AS sources,
       s.sites,
       count(a.article_key) FILTER (WHERE a.copy_kind = 'exact') AS exact_copies,
       count(a.article_key) FILTER (WHERE a.copy_kind IN ('near', 'canonical')) AS syndicated,
       count(a.article_key) FILTER (WHERE a.copy_kind = 'rewrite') AS rewrites
FROM stories s
JOIN articles a ON a.story_key = s.story_key
GROUP BY ALL
ORDER BY s.first_seen DESC;
