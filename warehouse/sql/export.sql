-- Parquet export (warehouse/export.py): each COPYs one table to $path; $since / $until are
-- inclusive event days or NULL. `day` is the article's event day, also for its mentions, so a
-- day's partition of each table describes the same articles.

-- name: export_articles
COPY (
    SELECT a.*,
           coalesce(least(a.published, a.fetched_at), a.fetched_at) AS event_time,
           CAST(coalesce(least(a.published, a.fetched_at), a.fetched_at) AS DATE) AS day
    FROM articles a
    WHERE ($since IS NULL OR a.fetched_at >= CAST($since AS DATE))
      AND ($since IS NULL
           OR CAST(coalesce(least(a.published, a.fetched_at), a.fetched_at) AS DATE)
              >= CAST($since AS DATE))
      AND ($until IS NULL
           OR CAST(coalesce(least(a.published, a.fetched_at), a.fetched_at) AS DATE)
              <= CAST($until AS DATE))
) TO $path (FORMAT parquet, PARTITION_BY (day), OVERWRITE_OR_IGNORE);

-- name: export_mentions
COPY (
    SELECT m.article_key,
           m.entity_id,
           e.name AS entity,
           e.label,
           m.count,
           coalesce(a.story_key, a.article_key) AS story_key,
           coalesce(least(a.published, a.fetched_at), a.fetched_at) AS event_time,
           CAST(coalesce(least(a.published, a.fetched_at), a.fetched_at) AS DATE) AS day
    FROM mentions m
    JOIN articles a ON a.article_key = m.article_key
    JOIN entities e ON e.entity_id = m.entity_id
    WHERE ($since IS NULL OR a.fetched_at >= CAST($since AS DATE))
      AND ($since IS NULL
           OR CAST(coalesce(least(a.published, a.fetched_at), a.fetched_at) AS DATE)
              >= CAST($since AS DATE))
      AND ($until IS NULL
           OR CAST(coalesce(least(a.published, a.fetched_at), a.fetched_at) AS DATE)
              <= CAST($until AS DATE))
) TO $path (FORMAT parquet, PARTITION_BY (day), OVERWRITE_OR_IGNORE);

-- name: export_entities
COPY (SELECT entity_id, name, label FROM entities ORDER BY entity_id) TO $path (FORMAT parquet);

-- name: export_stories
COPY (SELECT * FROM stories ORDER BY first_seen, story_key) TO $path (FORMAT parquet);
