-- The trend API (warehouse/trends.py). Named `$parameters` only, never formatted values.
-- "Now" is the newest event time in the warehouse, so a backfilled archive trends like live
-- data. Every query narrows to the entity's ids and to the time window before joining the
-- big tables: an article's event time is never after its fetch time, so `fetched_at >= start`
-- is a safe extra filter that DuckDB can answer from zone maps without computing event times.
-- Counts in stories are distinct story keys: twenty copies of one report are one story.

-- name: entity_series
-- Per bucket ($by: 'day' | 'hour') of the last $days days: mentions, articles, stories of the
-- entities named $entity (any label, case-insensitive); empty buckets are zeros.
WITH ids AS (
    SELECT entity_id FROM entities WHERE lower(name) = lower($entity)
),
anchor AS (
    SELECT max(coalesce(least(published, fetched_at), fetched_at)) AS now FROM articles
),
span AS (
    SELECT date_trunc($by, now - to_days(CAST($days AS INTEGER)))
               + CASE WHEN $by = 'hour' THEN INTERVAL 1 HOUR ELSE INTERVAL 1 DAY END AS start,
           date_trunc($by, now) AS stop
    FROM anchor
),
buckets AS (
    SELECT unnest(generate_series(
        start, stop, CASE WHEN $by = 'hour' THEN INTERVAL 1 HOUR ELSE INTERVAL 1 DAY END
    )) AS bucket
    FROM span
),
hits AS (
    SELECT date_trunc($by, coalesce(least(a.published, a.fetched_at), a.fetched_at)) AS bucket,
           m.count,
           m.article_key,
           coalesce(a.story_key, a.article_key) AS story_key
    FROM mentions m
    JOIN articles a ON a.article_key = m.article_key
    WHERE m.entity_id IN (SELECT entity_id FROM ids)
      AND a.fetched_at >= (SELECT start FROM span)
      AND coalesce(least(a.published, a.fetched_at), a.fetched_at) >= (SELECT start FROM span)
      AND (CAST($topic AS VARCHAR) IS NULL OR m.article_key IN (
            SELECT article_key FROM topic_matches WHERE topic = $topic))
),
counts AS (
    SELECT bucket,
           sum(count)::BIGINT AS mentions,
           count(DISTINCT article_key) AS articles,
           count(DISTINCT story_key) AS stories
    FROM hits
    GROUP BY bucket
)
SELECT b.bucket,
       coalesce(c.mentions, 0)::BIGINT AS mentions,
       coalesce(c.articles, 0)::BIGINT AS articles,
       coalesce(c.stories, 0)::BIGINT AS stories
FROM buckets b
LEFT JOIN counts c USING (bucket)
ORDER BY b.bucket;

-- name: rising
-- Stories in the last window ($window: 'day' | 'hour') against the average per window of the
-- $baseline_days days before; ratio = (recent + 1) / (baseline_per_window + 1).
WITH anchor AS (
    SELECT max(coalesce(least(published, fetched_at), fetched_at)) AS now,
           CASE WHEN $window = 'hour' THEN INTERVAL 1 HOUR ELSE INTERVAL 1 DAY END AS w,
           CASE WHEN $window = 'hour' THEN 24.0 ELSE 1.0 END
               * CAST($baseline_days AS INTEGER) AS windows
    FROM articles
),
recent_articles AS (
    SELECT a.article_key,
           coalesce(a.story_key, a.article_key) AS story_key,
           coalesce(least(a.published, a.fetched_at), a.fetched_at) > anchor.now - anchor.w
               AS is_recent
    FROM articles a, anchor
    WHERE a.fetched_at > anchor.now - anchor.w - to_days(CAST($baseline_days AS INTEGER))
      AND coalesce(least(a.published, a.fetched_at), a.fetched_at)
          > anchor.now - anchor.w - to_days(CAST($baseline_days AS INTEGER))
      AND (CAST($topic AS VARCHAR) IS NULL OR a.article_key IN (
            SELECT article_key FROM topic_matches WHERE topic = $topic))
),
counts AS (
    SELECT m.entity_id,
           count(DISTINCT r.story_key) FILTER (WHERE r.is_recent) AS recent,
           count(DISTINCT r.story_key) FILTER (WHERE NOT r.is_recent) AS baseline
    FROM mentions m
    JOIN recent_articles r ON r.article_key = m.article_key
    GROUP BY m.entity_id
    HAVING count(*) FILTER (WHERE r.is_recent) > 0
)
SELECT e.name AS entity,
       e.label,
       c.recent,
       round(c.baseline / anchor.windows, 2) AS baseline_per_window,
       round((c.recent + 1) / (c.baseline / anchor.windows + 1), 2) AS ratio
FROM counts c
JOIN entities e ON e.entity_id = c.entity_id, anchor
ORDER BY ratio DESC, c.recent DESC, entity, e.label
LIMIT $limit;

-- name: cooccurring
-- Entities named in the same articles as $entity within the last $days days.
WITH ids AS (
    SELECT entity_id FROM entities WHERE lower(name) = lower($entity)
),
anchor AS (
    SELECT max(coalesce(least(published, fetched_at), fetched_at))
               - to_days(CAST($days AS INTEGER)) AS start
    FROM articles
),
own AS (
    SELECT DISTINCT a.article_key, coalesce(a.story_key, a.article_key) AS story_key
    FROM mentions m
    JOIN articles a ON a.article_key = m.article_key, anchor
    WHERE m.entity_id IN (SELECT entity_id FROM ids)
      AND a.fetched_at > anchor.start
      AND coalesce(least(a.published, a.fetched_at), a.fetched_at) > anchor.start
),
pairs AS (
    SELECT m.entity_id,
           count(DISTINCT o.story_key) AS stories,
           count(DISTINCT o.article_key) AS articles
    FROM mentions m
    JOIN own o ON o.article_key = m.article_key
    WHERE m.entity_id NOT IN (SELECT entity_id FROM ids)
    GROUP BY m.entity_id
)
SELECT e.name AS entity, e.label, p.stories, p.articles
FROM pairs p
JOIN entities e ON e.entity_id = p.entity_id
ORDER BY p.stories DESC, p.articles DESC, entity, e.label
LIMIT $limit;

-- name: source_volume
-- Articles and stories per bucket ($by) and source over the last $days days; every source
-- seen in the window gets every bucket (zeros included), so lines do not skip empty days.
WITH anchor AS (
    SELECT max(coalesce(least(published, fetched_at), fetched_at)) AS now FROM articles
),
span AS (
    SELECT date_trunc($by, now - to_days(CAST($days AS INTEGER)))
               + CASE WHEN $by = 'hour' THEN INTERVAL 1 HOUR ELSE INTERVAL 1 DAY END AS start,
           date_trunc($by, now) AS stop
    FROM anchor
),
recent AS (
    SELECT date_trunc($by, coalesce(least(a.published, a.fetched_at), a.fetched_at)) AS bucket,
           a.source,
           a.article_key,
           coalesce(a.story_key, a.article_key) AS story_key
    FROM articles a, span
    WHERE a.fetched_at >= span.start
      AND coalesce(least(a.published, a.fetched_at), a.fetched_at) >= span.start
),
counts AS (
    SELECT bucket, source, count(*) AS articles, count(DISTINCT story_key) AS stories
    FROM recent
    GROUP BY bucket, source
),
buckets AS (
    SELECT unnest(generate_series(
        start, stop, CASE WHEN $by = 'hour' THEN INTERVAL 1 HOUR ELSE INTERVAL 1 DAY END
    )) AS bucket
    FROM span
)
SELECT b.bucket,
       s.source,
       coalesce(c.articles, 0)::BIGINT AS articles,
       coalesce(c.stories, 0)::BIGINT AS stories
FROM buckets b
CROSS JOIN (SELECT DISTINCT source FROM counts) s
LEFT JOIN counts c ON c.bucket = b.bucket AND c.source = s.source
ORDER BY b.bucket, s.source;

-- name: first_seen
-- Entities whose first mention ever falls in the last $days days (labels: $labels, or NULL for
-- all), with the article that first named them. Only entities named in the window are
-- candidates, so the all-time minimum is computed for few entities.
WITH anchor AS (
    SELECT max(coalesce(least(published, fetched_at), fetched_at))
               - to_days(CAST($days AS INTEGER)) AS start
    FROM articles
),
candidates AS (
    SELECT DISTINCT m.entity_id
    FROM mentions m
    JOIN articles a ON a.article_key = m.article_key, anchor
    WHERE a.fetched_at > anchor.start
      AND coalesce(least(a.published, a.fetched_at), a.fetched_at) > anchor.start
),
labelled AS (
    SELECT e.entity_id, e.name, e.label
    FROM entities e
    WHERE e.entity_id IN (SELECT entity_id FROM candidates)
      AND ($labels IS NULL OR e.label IN (SELECT unnest(CAST($labels AS VARCHAR[]))))
),
firsts AS (
    SELECT m.entity_id,
           min(coalesce(least(a.published, a.fetched_at), a.fetched_at)) AS first_seen,
           arg_min(a.article_key,
                   (coalesce(least(a.published, a.fetched_at), a.fetched_at), a.article_key))
               AS article_key
    FROM mentions m
    JOIN articles a ON a.article_key = m.article_key
    WHERE m.entity_id IN (SELECT entity_id FROM labelled)
    GROUP BY m.entity_id
)
SELECT l.name AS entity, l.label, f.first_seen, a.title, a.url
FROM firsts f
JOIN labelled l ON l.entity_id = f.entity_id
JOIN articles a ON a.article_key = f.article_key, anchor
WHERE f.first_seen > anchor.start
ORDER BY f.first_seen DESC, entity, l.label
LIMIT $limit;

-- name: entity_names
-- The stored names of the entities matching $entity case-insensitively (for messages).
SELECT name, label FROM entities WHERE lower(name) = lower($entity) ORDER BY label;

-- name: top_entities
-- The entities named in the most stories in the last $days days (optionally one $topic).
WITH anchor AS (
    SELECT max(coalesce(least(published, fetched_at), fetched_at))
               - to_days(CAST($days AS INTEGER)) AS start
    FROM articles
),
recent AS (
    SELECT a.article_key, coalesce(a.story_key, a.article_key) AS story_key
    FROM articles a, anchor
    WHERE a.fetched_at > anchor.start
      AND coalesce(least(a.published, a.fetched_at), a.fetched_at) > anchor.start
      AND (CAST($topic AS VARCHAR) IS NULL OR a.article_key IN (
            SELECT article_key FROM topic_matches WHERE topic = $topic))
),
counts AS (
    SELECT m.entity_id,
           count(DISTINCT r.story_key) AS stories,
           count(*) AS articles,
           sum(m.count)::BIGINT AS mentions
    FROM mentions m
    JOIN recent r ON r.article_key = m.article_key
    GROUP BY m.entity_id
)
SELECT e.name AS entity, e.label, c.stories, c.articles, c.mentions
FROM counts c
JOIN entities e ON e.entity_id = c.entity_id
ORDER BY c.stories DESC, c.articles DESC, c.mentions DESC, entity, e.label
LIMIT $limit;
