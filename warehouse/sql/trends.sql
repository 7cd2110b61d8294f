-- The trend API (warehouse/trends.py). Named `$parameters` only, never formatted values.
-- Every query reads the trend tables of migration 007 (entity_hours, story_entities,
-- source_hours, entities.first_seen), never the mentions-to-articles join, so it costs the
-- same at a million articles as at a thousand. Windows are whole hours: "now" is the newest
-- hour holding an article (so a backfilled archive trends like live data), and "the last N
-- days" is the N * 24 hours up to and including it.
-- A story counts once, in the hour of the article that opened it, for each entity that
-- article names; copies add articles and mentions but never stories.

-- name: entity_series
-- Per bucket ($by: 'day' | 'hour') of the last $days days: mentions, articles, stories of the
-- entities named $entity (any label, case-insensitive); empty buckets are zeros.
WITH ids AS (
    SELECT entity_no FROM entities_named($entity)
),
anchor AS (SELECT max(hour) AS now FROM source_hours),
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
-- Day buckets read entity_days, hour buckets entity_hours; the other branch is empty.
cells AS (
    SELECT CAST(d.day AS TIMESTAMP) AS bucket, d.mentions, d.articles, d.stories
    FROM entity_days d
    WHERE $by = 'day'
      AND d.topic = coalesce(CAST($topic AS VARCHAR), '')
      AND d.entity_no IN (SELECT entity_no FROM ids)
      AND d.day >= (SELECT CAST(start AS DATE) FROM span)
    UNION ALL
    SELECT h.hour, h.mentions, h.articles, h.stories
    FROM entity_hours h
    WHERE $by = 'hour'
      AND h.topic = coalesce(CAST($topic AS VARCHAR), '')
      AND h.entity_no IN (SELECT entity_no FROM ids)
      AND h.hour >= (SELECT start FROM span)
),
counts AS (
    SELECT bucket,
           sum(mentions)::BIGINT AS mentions,
           sum(articles)::BIGINT AS articles,
           sum(stories)::BIGINT AS stories
    FROM cells
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
    SELECT max(hour) AS now,
           CASE WHEN $window = 'hour' THEN INTERVAL 1 HOUR ELSE INTERVAL 1 DAY END AS w,
           CASE WHEN $window = 'hour' THEN 24.0 ELSE 1.0 END
               * CAST($baseline_days AS INTEGER) AS windows
    FROM source_hours
),
counts AS (
    SELECT h.entity_no,
           sum(h.stories) FILTER (WHERE h.hour > anchor.now - anchor.w) AS recent,
           coalesce(sum(h.stories) FILTER (WHERE h.hour <= anchor.now - anchor.w), 0) AS baseline
    FROM entity_hours h, anchor
    WHERE h.topic = coalesce(CAST($topic AS VARCHAR), '')
      AND h.hour > anchor.now - anchor.w - to_days(CAST($baseline_days AS INTEGER))
    GROUP BY h.entity_no
    HAVING sum(h.stories) FILTER (WHERE h.hour > anchor.now - anchor.w) > 0
),
ranked AS (
    SELECT c.entity_no, c.recent, c.baseline,
           round(c.baseline / anchor.windows, 2) AS baseline_per_window,
           round((c.recent + 1) / (c.baseline / anchor.windows + 1), 2) AS ratio
    FROM counts c, anchor
    -- Ties at the cut are settled by name below, so keep every tie of the last place.
    QUALIFY rank() OVER (ORDER BY ratio DESC, c.recent DESC) <= $limit
)
SELECT e.name AS entity, e.label, r.recent::BIGINT AS recent, r.baseline_per_window, r.ratio
FROM ranked r
JOIN entities e ON e.entity_no = r.entity_no
ORDER BY r.ratio DESC, r.recent DESC, entity, e.label
LIMIT $limit;

-- name: cooccurring
-- Entities named by the opening articles of the stories that name $entity, in stories of the
-- last $days days, by stories: the entity_partners table macro of views.sql.
SELECT entity, label, stories
FROM entity_partners($entity, $days, top := $limit)
LIMIT $limit;

-- name: source_volume
-- Articles and stories (articles that opened one) per bucket ($by) and source over the last
-- $days days; every source seen in the window gets every bucket (zeros included).
WITH anchor AS (SELECT max(hour) AS now FROM source_hours),
span AS (
    SELECT date_trunc($by, now - to_days(CAST($days AS INTEGER)))
               + CASE WHEN $by = 'hour' THEN INTERVAL 1 HOUR ELSE INTERVAL 1 DAY END AS start,
           date_trunc($by, now) AS stop
    FROM anchor
),
counts AS (
    SELECT date_trunc($by, s.hour) AS bucket,
           s.source,
           sum(s.articles)::BIGINT AS articles,
           sum(s.stories)::BIGINT AS stories
    FROM source_hours s, span
    WHERE s.hour >= span.start
    GROUP BY ALL
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
-- all), with the article that first named them.
WITH anchor AS (
    SELECT max(hour) - to_days(CAST($days AS INTEGER)) AS start FROM source_hours
),
firsts AS (
    SELECT e.name, e.label, e.first_seen, e.first_article_key
    FROM entities e, anchor
    WHERE e.first_seen >= anchor.start + INTERVAL 1 HOUR
      AND ($labels IS NULL OR e.label IN (SELECT unnest(CAST($labels AS VARCHAR[]))))
    ORDER BY e.first_seen DESC, e.name, e.label
    LIMIT $limit
)
SELECT f.name AS entity, f.label, f.first_seen, a.title, a.url
FROM firsts f
LEFT JOIN articles a ON a.article_key = f.first_article_key
ORDER BY f.first_seen DESC, entity, f.label;

-- name: entity_names
-- The stored names of the entities matching $entity case-insensitively, or that a link or a
-- written form ties it to (for messages).
SELECT name, label FROM entities_named($entity) ORDER BY label;

-- name: entity_forms
-- How the entities named $entity are written, per language, most written first.
SELECT e.name AS entity, e.label, f.language, f.form, f.articles
FROM entities_named($entity) e
JOIN entity_forms f USING (entity_id)
ORDER BY e.name, e.label, f.language, f.articles DESC, f.form;

-- name: forms_of_entities
-- The written forms of these entities ($names, $labels), per language, most written first.
SELECT e.name AS entity, e.label, f.language, f.form, f.articles
FROM entities e
JOIN (SELECT unnest(CAST($names AS VARCHAR[])) AS name,
             unnest(CAST($labels AS VARCHAR[])) AS label) p USING (name, label)
JOIN entity_forms f USING (entity_id)
ORDER BY e.name, e.label, f.language, f.articles DESC, f.form;

-- name: top_entities
-- The entities named in the most stories in the last $days days (optionally one $topic). The
-- whole days inside the window are read from entity_days, the hours at its two ends from
-- entity_hours, so a 30-day window reads 29 day rows and at most 47 hour rows per entity.
WITH bounds AS (
    SELECT max(hour) - to_days(CAST($days AS INTEGER)) AS start,
           CAST(max(hour) - to_days(CAST($days AS INTEGER)) AS DATE) + 1 AS first_day,
           CAST(max(hour) AS DATE) AS today
    FROM source_hours
),
cells AS (
    SELECT d.entity_no, d.stories, d.articles, d.mentions
    FROM entity_days d, bounds b
    WHERE d.topic = coalesce(CAST($topic AS VARCHAR), '')
      AND d.day >= b.first_day AND d.day < b.today
    UNION ALL
    SELECT h.entity_no, h.stories, h.articles, h.mentions
    FROM entity_hours h, bounds b
    WHERE h.topic = coalesce(CAST($topic AS VARCHAR), '')
      AND h.hour > b.start AND h.hour < CAST(least(b.first_day, b.today) AS TIMESTAMP)
    UNION ALL
    SELECT h.entity_no, h.stories, h.articles, h.mentions
    FROM entity_hours h, bounds b
    WHERE h.topic = coalesce(CAST($topic AS VARCHAR), '')
      AND h.hour > b.start AND h.hour >= CAST(b.today AS TIMESTAMP)
),
counts AS (
    SELECT entity_no,
           sum(stories)::BIGINT AS stories,
           sum(articles)::BIGINT AS articles,
           sum(mentions)::BIGINT AS mentions
    FROM cells
    GROUP BY entity_no
),
ranked AS (
    SELECT * FROM counts
    QUALIFY rank() OVER (ORDER BY stories DESC, articles DESC, mentions DESC) <= $limit
)
SELECT e.name AS entity, e.label, r.stories, r.articles, r.mentions
FROM ranked r
JOIN entities e ON e.entity_no = r.entity_no
ORDER BY r.stories DESC, r.articles DESC, r.mentions DESC, entity, e.label
LIMIT $limit;
