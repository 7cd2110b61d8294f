-- The explorer's reads (warehouse/explorer.py). Named `$parameters` only, never formatted values.
-- Most queries run after the `scope` (or `scope_topic`) fragment, which warehouse/explorer.py
-- places in front of them as `WITH scope AS (...)`: the articles inside the analyst's filters. $since and $until
-- are TIMESTAMPs ($until exclusive); $topic, $language and $site are NULL when not set.

-- name: scope
SELECT ae.article_key, ae.story_key, ae.title, ae.url, ae.source, ae.site, ae.event_time,
       ae.language
FROM article_events ae
WHERE ae.event_time >= CAST($since AS TIMESTAMP)
  AND ae.event_time < CAST($until AS TIMESTAMP)
  AND ($language IS NULL OR ae.language = $language)
  AND ($site IS NULL OR ae.site = $site)

-- name: scope_topic
-- The same, of one topic: a separate statement, because `$topic IS NULL OR key IN (...)` makes
-- DuckDB read every topic match even when no topic is asked for.
SELECT ae.article_key, ae.story_key, ae.title, ae.url, ae.source, ae.site, ae.event_time,
       ae.language
FROM article_events ae
SEMI JOIN topic_matches tm ON tm.article_key = ae.article_key AND tm.topic = $topic
WHERE ae.event_time >= CAST($since AS TIMESTAMP)
  AND ae.event_time < CAST($until AS TIMESTAMP)
  AND ($language IS NULL OR ae.language = $language)
  AND ($site IS NULL OR ae.site = $site)

-- name: bounds
-- The newest event time, so default windows end where the data ends (a backfill of 2022 is
-- explored in 2022, not in an empty "last 30 days").
SELECT max(coalesce(least(published, fetched_at), fetched_at)) AS newest,
       min(coalesce(least(published, fetched_at), fetched_at)) AS oldest
FROM articles

-- name: choices
-- What the filter menus offer.
SELECT 'topic' AS kind, topic AS value FROM (SELECT DISTINCT topic FROM topic_matches)
UNION ALL SELECT 'language', language FROM (SELECT DISTINCT language FROM articles
                                            WHERE language IS NOT NULL AND language <> '')
UNION ALL SELECT 'site', site FROM (SELECT DISTINCT site FROM articles WHERE site IS NOT NULL)
UNION ALL SELECT 'label', label FROM (SELECT DISTINCT label FROM entities)
ORDER BY kind, value

-- name: days
-- Articles and distinct stories per day of the scope.
SELECT CAST(event_time AS DATE) AS day, count(*) AS articles,
       count(DISTINCT story_key) AS stories
FROM scope
GROUP BY day
ORDER BY day

-- name: top_entities_fast
-- The entities named in the most stories, from the trend table kept at load (entity_days):
-- used when the scope is only a topic and whole days, so a million articles cost a few rows
-- per entity. A story counts on the day of the article that opened it.
SELECT e.name AS entity, e.label, sum(d.stories)::BIGINT AS stories,
       sum(d.articles)::BIGINT AS articles, sum(d.mentions)::BIGINT AS mentions
FROM entity_days d
JOIN entities e ON e.entity_no = d.entity_no
WHERE d.topic = coalesce(CAST($topic AS VARCHAR), '')
  AND d.day >= CAST($since AS DATE) AND d.day < CAST($until AS DATE)
  AND ($label IS NULL OR e.label = $label)
  /* sources */
GROUP BY ALL
HAVING sum(d.articles) > 0
ORDER BY stories DESC, mentions DESC, entity, e.label
LIMIT $limit

-- name: build_entity_days_by_source
-- Run inside the analyst snapshot when it is published (warehouse/snapshot.py): the trend
-- numbers of entity_days split by the language and site of each article, so the views filtered
-- by language or site read a few rows per entity too. As in entity_days, a story counts on the
-- day of the article that opened it (and in that article's language and site).
CREATE TABLE entity_days_by_source AS
WITH per AS (
    SELECT m.article_key, e.entity_no, m.count, a.language, a.site,
           CAST(coalesce(least(a.published, a.fetched_at), a.fetched_at) AS DATE) AS day,
           coalesce(a.story_key, a.article_key) = a.article_key AS opener
    FROM mentions m
    JOIN articles a USING (article_key)
    JOIN entities e USING (entity_id)
),
topics AS (
    SELECT article_key, topic FROM topic_matches
    UNION ALL
    SELECT article_key, '' FROM articles
)
SELECT t.topic, p.language, p.site, p.day, p.entity_no, count(*)::INTEGER AS articles,
       sum(p.count)::INTEGER AS mentions, (count(*) FILTER (WHERE p.opener))::INTEGER AS stories
FROM per p
JOIN topics t USING (article_key)
GROUP BY ALL
ORDER BY t.topic, p.language, p.site, p.day

-- name: day_in_sources
-- Put in place of `/* sources */` in top_entities_fast, rising_fast and entity_series_fast,
-- which then read entity_days_by_source instead of entity_days, when a language or site filter
-- is set.
  AND ($language IS NULL OR d.language = $language)
  AND ($site IS NULL OR d.site = $site)

-- name: top_entities
-- The same over the articles of the scope (any filter): distinct stories naming each entity.
-- Grouped by (entity, story) first and by entity id before names are joined: a two-step count
-- is several times faster than count(DISTINCT) over millions of mention rows.
WITH per_story AS (
    SELECT m.entity_id, s.story_key, count(*) AS articles, sum(m.count) AS mentions
    FROM scope s
    JOIN mentions m USING (article_key)
    GROUP BY ALL
),
per_entity AS (
    SELECT entity_id, count(*) AS stories, sum(articles)::BIGINT AS articles,
           sum(mentions)::BIGINT AS mentions
    FROM per_story
    GROUP BY entity_id
)
SELECT e.name AS entity, e.label, p.stories, p.articles, p.mentions
FROM per_entity p
JOIN entities e USING (entity_id)
WHERE $label IS NULL OR e.label = $label
ORDER BY p.stories DESC, p.mentions DESC, entity, e.label
LIMIT $limit

-- name: rising
-- Stories of the scope's last day against the daily average of the 7 days before it;
-- ratio = (recent + 1) / (average + 1), as the trend API ranks them.
WITH per_story AS (
    SELECT m.entity_id, s.story_key,
           max(s.event_time) >= CAST($until AS TIMESTAMP) - INTERVAL 1 DAY AS recent,
           min(s.event_time) < CAST($until AS TIMESTAMP) - INTERVAL 1 DAY AS before
    FROM scope s
    JOIN mentions m USING (article_key)
    WHERE s.event_time >= CAST($until AS TIMESTAMP) - INTERVAL 8 DAY
    GROUP BY ALL
),
counts AS (
    SELECT entity_id, count(*) FILTER (WHERE recent) AS recent,
           count(*) FILTER (WHERE before) / 7.0 AS average
    FROM per_story
    GROUP BY entity_id
    HAVING count(*) FILTER (WHERE recent) > 0
)
SELECT e.name AS entity, e.label, c.recent, round(c.average, 2) AS average,
       round((c.recent + 1) / (c.average + 1), 2) AS ratio
FROM counts c
JOIN entities e USING (entity_id)
WHERE $label IS NULL OR e.label = $label
ORDER BY ratio DESC, recent DESC, entity
LIMIT $limit

-- name: newest_alerts
SELECT a.alert_key, a.created_at, a.rule, a.entity, a.label, a.topic, a.title, a.url,
       a.site, coalesce(a.story_key, a.article_key) AS story_key,
       string_agg(d.channel || ': ' || d.status, ', ' ORDER BY d.channel) AS deliveries
FROM alerts a
LEFT JOIN deliveries d USING (alert_key)
WHERE ($topic IS NULL OR a.topic = $topic)
GROUP BY ALL
ORDER BY a.created_at DESC, a.alert_key
LIMIT $limit

-- name: feed_health
SELECT s.name, s.kind, s.last_success, s.last_error, s.last_error_at,
       s.consecutive_failures, s.items_seen,
       (SELECT count(*) FROM articles a WHERE a.source = s.name) AS articles
FROM sources s
ORDER BY s.consecutive_failures DESC, s.name

-- name: entity_ids
-- The entities an analyst means by $entity (a name, an alias or a written form).
SELECT entity_id, entity_no, name, label FROM entities_named($entity)
WHERE $label IS NULL OR label = $label
ORDER BY label

-- name: entity_series
-- Per $by bucket ('day' | 'hour'): the entity's mentions, articles and distinct stories in the
-- scope; buckets without any are left out (the chart fills them).
SELECT date_trunc($by, s.event_time) AS bucket, sum(m.count)::BIGINT AS mentions,
       count(*) AS articles, count(DISTINCT s.story_key) AS stories
FROM scope s
JOIN mentions m USING (article_key)
WHERE m.entity_id IN (SELECT unnest(CAST($ids AS VARCHAR[])))
GROUP BY bucket
ORDER BY bucket

-- name: entity_stories
-- The stories naming the entity in the scope, optionally only in one bucket
-- [$bucket_start, $bucket_end): what drives a bar of its chart. Most articles first.
SELECT s.story_key, st.title, st.url, min(s.event_time) AS first_seen,
       count(DISTINCT s.article_key) AS articles, list_sort(list_distinct(list(s.site))) AS sites,
       sum(m.count)::BIGINT AS mentions
FROM scope s
JOIN mentions m USING (article_key)
LEFT JOIN stories st ON st.story_key = s.story_key
WHERE m.entity_id IN (SELECT unnest(CAST($ids AS VARCHAR[])))
  AND ($bucket_start IS NULL OR s.event_time >= CAST($bucket_start AS TIMESTAMP))
  AND ($bucket_end IS NULL OR s.event_time < CAST($bucket_end AS TIMESTAMP))
GROUP BY ALL
ORDER BY articles DESC, first_seen DESC, s.story_key
LIMIT $limit

-- name: entity_partners
-- Entities named in the same articles of the scope, by distinct stories.
WITH own AS (
    SELECT DISTINCT s.article_key, s.story_key
    FROM scope s
    JOIN mentions m USING (article_key)
    WHERE m.entity_id IN (SELECT unnest(CAST($ids AS VARCHAR[])))
)
SELECT e.name AS entity, e.label, count(DISTINCT o.story_key) AS stories
FROM own o
JOIN mentions m USING (article_key)
JOIN entities e USING (entity_id)
WHERE m.entity_id NOT IN (SELECT unnest(CAST($ids AS VARCHAR[])))
GROUP BY ALL
ORDER BY stories DESC, entity, e.label
LIMIT $limit

-- name: entity_forms
-- How the entity is written, per language, most written first.
SELECT f.language, f.form, f.articles
FROM entity_forms f
WHERE f.entity_id IN (SELECT unnest(CAST($ids AS VARCHAR[])))
ORDER BY f.language, f.articles DESC, f.form

-- name: story
SELECT story_key, first_seen, last_seen, title, url, sources, sites, articles
FROM stories
WHERE story_key = $story

-- name: story_articles
-- Every article of a story, the opening one first, with how it was found to be a copy.
SELECT a.article_key, a.title, a.url, a.site, a.source,
       coalesce(least(a.published, a.fetched_at), a.fetched_at) AS event_time, a.language,
       coalesce(a.copy_kind, 'original') AS copy_kind, a.copy_score, a.copy_of, a.words
FROM articles a
WHERE a.story_key = $story
ORDER BY event_time, a.article_key

-- name: story_merges
-- Stories merged into this one, with the evidence (the matching article and its score).
SELECT merged_key, article_key, evidence, score, merged_at
FROM story_merges
WHERE into_key = $story
ORDER BY merged_at

-- name: story_alerts
SELECT a.alert_key, a.created_at, a.rule, a.entity, a.label, a.topic,
       string_agg(d.channel || ': ' || d.status, ', ' ORDER BY d.channel) AS deliveries
FROM alerts a
LEFT JOIN deliveries d USING (alert_key)
WHERE coalesce(a.story_key, a.article_key) = $story
GROUP BY ALL
ORDER BY a.created_at

-- name: alerts
-- The outbox: one row per alert and channel, newest first.
SELECT a.created_at, a.rule, a.topic, a.entity, a.label, a.title, a.url, a.site,
       coalesce(a.story_key, a.article_key) AS story_key, d.channel, d.status, d.attempts,
       d.last_error, d.sent_at, d.next_attempt_at
FROM alerts a
LEFT JOIN deliveries d USING (alert_key)
WHERE ($topic IS NULL OR a.topic = $topic)
  AND ($label IS NULL OR a.label = $label)
  AND ($site IS NULL OR a.site = $site)
  AND a.created_at >= CAST($since AS TIMESTAMP) AND a.created_at < CAST($until AS TIMESTAMP)
ORDER BY a.created_at DESC, a.alert_key, d.channel
LIMIT $limit

-- name: search_stats
-- The start of a search (warehouse/explorer.py composes search_stats, search_ranked or
-- search_ranked_one, search and its filters, search_best): the articles of the date window
-- holding every word of $terms, from the word index (article_terms, migration 012), scored by
-- Okapi BM25 (k1 = 1.2, b = 0.75). Document frequencies and the mean length are those of the
-- whole warehouse, as a search engine's index keeps them, so a score does not change with the
-- filters. The analyst snapshot stores article_terms sorted by term, so a word's rows are read
-- from a few row groups (warehouse/snapshot.py).
WITH terms AS (SELECT DISTINCT unnest(CAST($terms AS VARCHAR[])) AS t),
df AS (
    SELECT term AS t, count(*) AS n_t
    FROM article_terms
    WHERE term IN (SELECT t FROM terms)
    GROUP BY term
),
stats AS (SELECT count(*) AS n, greatest(avg(words), 1) AS avgdl FROM articles)

-- name: search_ranked
ranked AS (
    SELECT p.article_no, max(p.event_time) AS event_time,
           sum(ln(1 + (st.n - df.n_t + 0.5) / (df.n_t + 0.5))
               * p.tf * 2.2 / (p.tf + 1.2 * (0.25 + 0.75 * p.words / st.avgdl))) AS score
    FROM article_terms p
    JOIN df ON df.t = p.term
    CROSS JOIN stats st
    WHERE p.term IN (SELECT t FROM terms)
      AND p.event_time >= CAST($since AS TIMESTAMP) AND p.event_time < CAST($until AS TIMESTAMP)
    GROUP BY p.article_no
    HAVING count(*) = (SELECT count(*) FROM terms)
)

-- name: search_ranked_one
-- The same for one word: an article has one row of it, so nothing to group.
ranked AS (
    SELECT p.article_no, p.event_time,
           ln(1 + (st.n - df.n_t + 0.5) / (df.n_t + 0.5))
               * p.tf * 2.2 / (p.tf + 1.2 * (0.25 + 0.75 * p.words / st.avgdl)) AS score
    FROM article_terms p
    JOIN df ON df.t = p.term
    CROSS JOIN stats st
    WHERE p.term IN (SELECT t FROM terms)
      AND p.event_time >= CAST($since AS TIMESTAMP) AND p.event_time < CAST($until AS TIMESTAMP)
)

-- name: search_best
-- The fragment's end: the best $limit of `found`, fetched by key.
best AS (
    SELECT d.article_key, f.score
    FROM (SELECT * FROM found ORDER BY score DESC, event_time DESC, article_no LIMIT $limit) f
    JOIN article_docs d USING (article_no)
)
SELECT ae.article_key, ae.story_key, ae.title, ae.url, ae.site, ae.source, ae.event_time,
       ae.language, round(b.score, 3) AS score, a.text
FROM best b
JOIN article_events ae ON ae.article_key = b.article_key
JOIN articles a ON a.article_key = b.article_key
ORDER BY b.score DESC, ae.event_time DESC, ae.article_key

-- name: search
-- The ranked articles (warehouse/explorer.py adds the filters below that are set).
found AS (
    SELECT * FROM ranked
    WHERE true

-- name: search_in_topic
      AND article_no IN (SELECT hash(article_key) FROM topic_matches WHERE topic = $topic)

-- name: search_in_sources
      AND article_no IN (
          SELECT hash(article_key) FROM articles
          WHERE ($language IS NULL OR language = $language) AND ($site IS NULL OR site = $site))

-- name: suggest
-- Entity names starting with what was typed (any word of the name), most stories first.
SELECT name, label
FROM entities
WHERE starts_with(lower(name), lower($prefix))
   OR contains(lower(name), ' ' || lower($prefix))
ORDER BY total_stories DESC, name
LIMIT $limit

-- The fast paths: when the scope is a topic and whole days (no language or site filter), the
-- trend tables kept at load answer without reading mentions. As in every trend table, a story
-- counts once, in the hour of the article that opened it.

-- name: rising_fast
-- Windows are whole days, so the last day and the 7 before it are rows of entity_days.
WITH counts AS (
    SELECT d.entity_no,
           sum(d.stories) FILTER (WHERE d.day >= CAST($until AS DATE) - 1) AS recent,
           coalesce(sum(d.stories) FILTER (WHERE d.day < CAST($until AS DATE) - 1), 0) / 7.0
               AS average
    FROM entity_days d
    WHERE d.topic = coalesce(CAST($topic AS VARCHAR), '')
      AND d.day >= CAST($until AS DATE) - 8 AND d.day < CAST($until AS DATE)
      /* sources */
    GROUP BY d.entity_no
    HAVING sum(d.stories) FILTER (WHERE d.day >= CAST($until AS DATE) - 1) > 0
)
SELECT e.name AS entity, e.label, c.recent::BIGINT AS recent, round(c.average, 2) AS average,
       round((c.recent + 1) / (c.average + 1), 2) AS ratio
FROM counts c
JOIN entities e ON e.entity_no = c.entity_no
WHERE $label IS NULL OR e.label = $label
ORDER BY ratio DESC, recent DESC, entity
LIMIT $limit

-- name: entity_series_fast
SELECT CAST(d.day AS TIMESTAMP) AS bucket, sum(d.mentions)::BIGINT AS mentions,
       sum(d.articles)::BIGINT AS articles, sum(d.stories)::BIGINT AS stories
FROM entity_days d
WHERE $by = 'day'
  AND d.topic = coalesce(CAST($topic AS VARCHAR), '')
  AND d.entity_no IN (SELECT unnest(CAST($nos AS UBIGINT[])))
  AND d.day >= CAST($since AS DATE) AND d.day < CAST($until AS DATE)
  /* sources */
GROUP BY bucket
UNION ALL
SELECT h.hour, sum(h.mentions)::BIGINT, sum(h.articles)::BIGINT, sum(h.stories)::BIGINT
FROM entity_hours h
WHERE $by = 'hour'
  AND h.topic = coalesce(CAST($topic AS VARCHAR), '')
  AND h.entity_no IN (SELECT unnest(CAST($nos AS UBIGINT[])))
  AND h.hour >= CAST($since AS TIMESTAMP) AND h.hour < CAST($until AS TIMESTAMP)
GROUP BY h.hour
ORDER BY bucket

-- name: entity_stories_fast
-- The stories whose opening article names the entity, opened in the window (or the bucket).
WITH picked AS (
    SELECT DISTINCT se.story_no
    FROM story_entities se
    WHERE list_has_any(se.entity_nos, CAST($nos AS UBIGINT[]))
      AND se.hour >= CAST(coalesce($bucket_start, $since) AS TIMESTAMP)
      AND se.hour < CAST(coalesce($bucket_end, $until) AS TIMESTAMP)
      /* sources */
)
SELECT st.story_key, st.title, st.url, st.first_seen, st.articles, st.sites,
       NULL::BIGINT AS mentions
FROM stories st
JOIN picked p ON hash(st.story_key) = p.story_no
WHERE $topic IS NULL
   OR st.story_key IN (SELECT article_key FROM topic_matches WHERE topic = $topic)
ORDER BY st.articles DESC, st.first_seen DESC, st.story_key
LIMIT $limit

-- name: entity_partners_fast
WITH own AS (
    SELECT se.story_no, se.entity_nos
    FROM story_entities se
    WHERE list_has_any(se.entity_nos, CAST($nos AS UBIGINT[]))
      AND se.hour >= CAST($since AS TIMESTAMP) AND se.hour < CAST($until AS TIMESTAMP)
      AND ($topic IS NULL OR se.story_no IN (
            SELECT hash(article_key) FROM topic_matches WHERE topic = $topic))
      /* sources */
),
pairs AS (
    SELECT entity_no, count(*) AS stories
    FROM (SELECT unnest(entity_nos) AS entity_no FROM own)
    WHERE NOT list_contains(CAST($nos AS UBIGINT[]), entity_no)
    GROUP BY entity_no
)
SELECT e.name AS entity, e.label, p.stories
FROM pairs p
JOIN entities e ON e.entity_no = p.entity_no
ORDER BY p.stories DESC, entity, e.label
LIMIT $limit

-- name: story_in_sources
-- Put in place of `/* sources */` in entity_stories_fast and entity_partners_fast when a
-- language or site filter is set: the story's opening article is in them.
      AND se.story_no IN (
            SELECT hash(article_key) FROM articles
            WHERE ($language IS NULL OR language = $language)
              AND ($site IS NULL OR site = $site))
