-- Named queries used by warehouse/store.py. Every value is a bound parameter.

-- name: source_state
SELECT name, kind, location, etag, last_modified, content_hash, last_polled, last_success,
       last_error, last_error_at, consecutive_failures, items_seen
FROM sources WHERE name = ?;

-- name: upsert_source_success
INSERT INTO sources AS s (name, kind, location, etag, last_modified, content_hash, last_polled,
                          last_success, consecutive_failures, items_seen, last_error,
                          last_error_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET
    last_error = coalesce(excluded.last_error, s.last_error),
    last_error_at = coalesce(excluded.last_error_at, s.last_error_at),
    kind = excluded.kind,
    location = excluded.location,
    etag = coalesce(excluded.etag, s.etag),
    last_modified = coalesce(excluded.last_modified, s.last_modified),
    content_hash = coalesce(excluded.content_hash, s.content_hash),
    last_polled = excluded.last_polled,
    last_success = excluded.last_success,
    consecutive_failures = 0,
    items_seen = s.items_seen + excluded.items_seen;

-- name: upsert_source_failure
INSERT INTO sources AS s (name, kind, location, last_polled, last_error, last_error_at,
                          consecutive_failures)
VALUES (?, ?, ?, ?, ?, ?, 1)
ON CONFLICT (name) DO UPDATE SET
    kind = excluded.kind,
    location = excluded.location,
    last_polled = excluded.last_polled,
    last_error = excluded.last_error,
    last_error_at = excluded.last_error_at,
    consecutive_failures = s.consecutive_failures + 1;

-- name: settled_items
-- Items that need no more work: done, or failed (or blocked) too often. Takes url keys.
SELECT url_key FROM seen_items
WHERE url_key IN (SELECT unnest(?::VARCHAR[]))
  AND (status NOT IN ('failed', 'blocked') OR attempts >= ?);

-- name: upsert_seen_item
-- Bulk, one list per column (url_key, url, source, guid, title, first_seen, last_attempt,
-- status, reason, article_key); one row per url_key.
INSERT INTO seen_items AS s (url_key, url, source, guid, title, first_seen, last_attempt, status,
                             attempts, reason, article_key)
SELECT k, u, src, g, ti, fs, la, st, 1, r, ak
FROM (SELECT unnest(?::VARCHAR[]) AS k, unnest(?::VARCHAR[]) AS u, unnest(?::VARCHAR[]) AS src,
             unnest(?::VARCHAR[]) AS g, unnest(?::VARCHAR[]) AS ti,
             unnest(?::TIMESTAMP[]) AS fs, unnest(?::TIMESTAMP[]) AS la,
             unnest(?::VARCHAR[]) AS st, unnest(?::VARCHAR[]) AS r, unnest(?::VARCHAR[]) AS ak)
ON CONFLICT (url_key) DO UPDATE SET
    last_attempt = excluded.last_attempt,
    status = excluded.status,
    attempts = s.attempts + 1,
    reason = excluded.reason,
    article_key = coalesce(excluded.article_key, s.article_key);

-- name: existing_articles
SELECT article_key FROM articles WHERE article_key IN (SELECT unnest(?::VARCHAR[]));

-- name: insert_article
-- From the relation `staged_articles` that Warehouse.load registers (columns as below): the
-- articles new to the warehouse, one row per key, so no stored row can match.
INSERT INTO articles (article_key, url, canonical_url, source, site, title, text, published,
                      fetched_at, language, content_hash, words, run_id, story_key, text_hash,
                      copy_of, copy_kind, copy_score, ner_model, ner_skipped)
SELECT article_key, url, canonical_url, source, site, title, text, published, fetched_at,
       language, content_hash, words, run_id, story_key, text_hash, copy_of, copy_kind,
       copy_score, ner_model, ner_skipped
FROM staged_articles;

-- name: insert_article_terms
-- The search index rows of the articles in `staged_articles` (see migration 012). Words are
-- runs of letters and digits, lower-cased; warehouse.explorer.search_terms splits a query the
-- same way.
INSERT INTO article_terms (article_no, term, tf, words, event_time)
SELECT hash(article_key), term, count(*)::INTEGER, any_value(words),
       any_value(coalesce(least(published, fetched_at), fetched_at))
FROM (
    SELECT article_key, words, published, fetched_at,
           unnest(regexp_split_to_array(lower(coalesce(title, '') || ' ' || coalesce(text, '')),
                                        '[^\p{L}\p{N}]+')) AS term
    FROM staged_articles
)
WHERE term <> ''
GROUP BY article_key, term;
INSERT INTO article_docs (article_no, article_key)
SELECT hash(article_key), article_key FROM staged_articles;

-- name: stories_of
SELECT article_key, story_key FROM articles WHERE article_key IN (SELECT unnest(?::VARCHAR[]));

-- name: articles_by_text_hash
-- The first stored article (and its story) of each normalised-text hash.
SELECT text_hash, arg_min(article_key, (fetched_at, article_key)),
       arg_min(story_key, (fetched_at, article_key))
FROM articles
WHERE text_hash IN (SELECT unnest(?::VARCHAR[]))
GROUP BY text_hash;

-- name: bucket_members
-- Articles indexed since a day that share one of these LSH buckets (day, buckets).
SELECT bucket, article_key FROM story_index
WHERE day >= ? AND bucket IN (SELECT unnest(?::BIGINT[]));

-- name: known_articles
SELECT article_key, story_key, title, text FROM articles
WHERE article_key IN (SELECT unnest(?::VARCHAR[]));

-- name: insert_staged_buckets
-- From the relation `staged_buckets` (bucket, article_key) that Warehouse.add_story_buckets
-- registers; (day).
INSERT INTO story_index (bucket, article_key, day)
SELECT bucket, article_key, ? FROM staged_buckets;

-- name: copy_mentions
-- Exact copies take their originals' entities instead of running NER again
-- (copies, originals); returns the rows added, which the trend counts need.
INSERT INTO mentions (article_key, entity_id, count)
SELECT c.copy, m.entity_id, m.count
FROM mentions m
JOIN (SELECT unnest(CAST($copies AS VARCHAR[])) AS copy,
             unnest(CAST($originals AS VARCHAR[])) AS original) c
  ON m.article_key = c.original
ON CONFLICT (article_key, entity_id) DO NOTHING
RETURNING article_key, entity_id, count;

-- name: refresh_stories
-- Recompute the summary rows of these stories from their articles (idempotent).
INSERT INTO stories AS s (story_key, first_seen, last_seen, title, url, sources, sites, articles,
                          updated_at)
SELECT a.story_key,
       min(ae.event_time),
       max(ae.event_time),
       -- A spun copy's title is garbled: originals and exact copies first, then near copies,
       -- rewrites last; then the earliest; the key breaks ties, so every run picks the same.
       arg_min(a.title, (CASE a.copy_kind WHEN 'rewrite' THEN 2 WHEN 'near' THEN 1 ELSE 0 END,
                         ae.event_time, a.article_key)),
       arg_min(a.url, (CASE a.copy_kind WHEN 'rewrite' THEN 2 WHEN 'near' THEN 1 ELSE 0 END,
                       ae.event_time, a.article_key)),
       list_sort(list(DISTINCT a.source)),
       list_sort(list(DISTINCT a.site) FILTER (WHERE a.site IS NOT NULL)),
       count(*),
       ?
FROM articles a
JOIN article_events ae USING (article_key)
WHERE a.story_key IN (SELECT unnest(?::VARCHAR[]))
GROUP BY a.story_key
ON CONFLICT (story_key) DO UPDATE SET
    first_seen = excluded.first_seen,
    last_seen = excluded.last_seen,
    title = excluded.title,
    url = excluded.url,
    sources = excluded.sources,
    sites = excluded.sites,
    articles = excluded.articles,
    updated_at = excluded.updated_at;

-- name: unindexed_articles
-- Articles stored before stories existed (no text hash yet), oldest first.
SELECT article_key, title, text FROM articles WHERE text_hash IS NULL
ORDER BY coalesce(least(published, fetched_at), fetched_at), article_key
LIMIT ?;

-- name: rebucket_pending
-- Indexed articles queued for the buckets of a newer signal (migration 010): key, title, text
-- and the day their buckets were indexed (NULL when they have none).
SELECT r.article_key, a.title, a.text,
       (SELECT min(i.day) FROM story_index i WHERE i.article_key = r.article_key)
FROM story_rebucket r JOIN articles a USING (article_key)
ORDER BY r.article_key
LIMIT ?;

-- name: insert_missing_buckets
-- From the relation `staged_rebuckets` (bucket, article_key, day): the pairs not indexed yet,
-- on the day the article was first indexed, so the story window still ages them out.
INSERT INTO story_index (bucket, article_key, day)
SELECT DISTINCT s.bucket, s.article_key, s.day::DATE FROM staged_rebuckets s
WHERE NOT EXISTS (
    SELECT 1 FROM story_index i WHERE i.bucket = s.bucket AND i.article_key = s.article_key
);

-- name: rebucket_done
DELETE FROM story_rebucket WHERE article_key IN (SELECT unnest(?::VARCHAR[]));

-- name: set_article_story
UPDATE articles SET story_key = ?, text_hash = ?, copy_of = ?, copy_kind = ?, copy_score = ?
WHERE article_key = ?;

-- name: drop_empty_stories
-- Stories among these keys that no article belongs to any more (after a re-index).
DELETE FROM stories
WHERE story_key IN (SELECT unnest(?::VARCHAR[]))
  AND story_key NOT IN (SELECT story_key FROM articles WHERE story_key IS NOT NULL);

-- name: insert_topic_match
-- Bulk: (article keys, topics, term lists).
INSERT INTO topic_matches (article_key, topic, terms)
SELECT * FROM (SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[][]))
ON CONFLICT (article_key, topic) DO NOTHING;

-- name: existing_entities
SELECT entity_id FROM entities WHERE entity_id IN (SELECT unnest(?::VARCHAR[]));

-- name: insert_entity
-- Bulk: (entity ids, names, labels); entity_no is the id read as a number.
INSERT INTO entities (entity_id, name, label, entity_no)
SELECT i, n, l, ('0x' || i)::UBIGINT
FROM (SELECT unnest(?::VARCHAR[]) AS i, unnest(?::VARCHAR[]) AS n, unnest(?::VARCHAR[]) AS l)
ON CONFLICT (entity_id) DO NOTHING;

-- name: insert_mention
-- From the relation `staged_mentions` (article_key, entity_id, count) that Warehouse.load
-- registers: the mentions of articles new to the warehouse, which no stored row can match.
INSERT INTO mentions (article_key, entity_id, count)
SELECT article_key, entity_id, count FROM staged_mentions;

-- name: record_error
INSERT INTO fetch_errors AS f (url_key, stage, url, source, reason, status_code, retryable,
                               attempts, first_at, last_at, resolved_at, run_id)
VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, NULL, ?)
ON CONFLICT (url_key, stage) DO UPDATE SET
    reason = excluded.reason,
    status_code = excluded.status_code,
    retryable = excluded.retryable,
    attempts = f.attempts + 1,
    last_at = excluded.last_at,
    resolved_at = NULL,
    run_id = excluded.run_id;

-- name: resolve_errors
UPDATE fetch_errors SET resolved_at = ?
WHERE url_key IN (SELECT unnest(?::VARCHAR[])) AND resolved_at IS NULL;

-- name: site_line_counts
SELECT line_hash, stories, marks FROM site_lines
WHERE site = ? AND line_hash IN (SELECT unnest(?::VARCHAR[]));

-- name: site_line_stats
-- The stored counts of these (site, line hash) pairs.
SELECT l.site, l.line_hash, l.stories, l.marks
FROM site_lines l
JOIN (SELECT unnest(?::VARCHAR[]) AS site, unnest(?::VARCHAR[]) AS line_hash) k
  USING (site, line_hash);

-- name: add_site_line
-- Bulk: (sites, line hashes, article counts, samples, story counts, marks); one row per
-- (site, line hash). Story counts and marks arrive already combined with the stored ones.
INSERT INTO site_lines AS l (site, line_hash, articles, sample, stories, marks)
SELECT * FROM (SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::INTEGER[]),
                      unnest(?::VARCHAR[]), unnest(?::INTEGER[]), unnest(?::BIGINT[][]))
ON CONFLICT (site, line_hash) DO UPDATE SET articles = l.articles + excluded.articles,
    stories = excluded.stories, marks = excluded.marks;

-- name: start_run
INSERT INTO runs (run_id, started_at, status) VALUES (?, ?, 'running');

-- name: finish_run
UPDATE runs SET finished_at = ?, status = ?, sources_polled = ?, feed_errors = ?,
    entries_seen = ?, new_items = ?, fetched = ?, failed = ?, rejected = ?, offtopic = ?,
    stored = ?, mentions = ?, new_entities = ?, seconds = ?, error = ?
WHERE run_id = ?;

-- name: top_entities
-- Top entities of the last N days (whole hours up to the newest; optionally one topic), from
-- the trend tables: (days, topic, limit).
WITH anchor AS (SELECT max(hour) - to_days(CAST(? AS INTEGER)) AS start FROM source_hours),
counts AS (
    SELECT h.entity_no,
           sum(h.stories)::BIGINT AS stories,
           sum(h.articles)::BIGINT AS articles,
           sum(h.mentions)::BIGINT AS mentions
    FROM entity_hours h, anchor
    WHERE h.topic = coalesce(CAST(? AS VARCHAR), '') AND h.hour > anchor.start
    GROUP BY h.entity_no
)
SELECT e.entity, e.label, c.stories, c.articles, c.mentions, e.first_seen
FROM counts c
JOIN entity_numbers e USING (entity_no)
ORDER BY c.stories DESC, c.articles DESC, c.mentions DESC, e.entity
LIMIT ?;

-- name: rising_entities
-- The CLI's rising entities: views.sql's rising_entities_for, the one definition (topic, days,
-- limit).
SELECT entity, label, last_24h, before, ratio FROM rising_entities_for(?, ?) LIMIT ?;

-- name: story_list
-- Newest stories first (only those with copies when the first parameter is true).
SELECT * FROM story_overview
WHERE NOT CAST(? AS BOOLEAN) OR articles > 1
ORDER BY first_seen DESC, story_key
LIMIT ?;

-- name: story_totals
SELECT (SELECT count(*) FROM stories), (SELECT count(*) FROM articles);

-- name: feeds_report
SELECT s.name, s.kind, s.location, s.last_success, s.last_error, s.last_error_at,
       s.consecutive_failures, s.items_seen,
       (SELECT count(*) FROM seen_items i WHERE i.source = s.name AND i.status = 'stored') AS stored,
       (SELECT count(*) FROM seen_items i WHERE i.source = s.name AND i.status = 'failed') AS failed,
       -- Entries listed with a link that is never fetched (file:, ftp:, data:, none).
       (SELECT count(*) FROM fetch_errors e
        WHERE e.source = s.name AND e.stage = 'feed_entry') AS refused_links,
       -- Archive files (feed files) that could not be read, and are not mended since.
       (SELECT count(*) FROM fetch_errors e
        WHERE e.source = s.name AND e.stage = 'feed' AND e.url LIKE 'file:%'
          AND e.resolved_at IS NULL) AS unreadable_files,
       -- Stored articles per detected language, and those no NER pipeline read, with why.
       (SELECT string_agg(lang || ' ' || n, ', ' ORDER BY n DESC, lang)
        FROM (SELECT coalesce(a.language, '?') AS lang, count(*) AS n FROM articles a
              WHERE a.source = s.name GROUP BY 1)) AS languages,
       (SELECT string_agg(n || ' (' || ner_skipped || ')', ', ' ORDER BY n DESC, ner_skipped)
        FROM (SELECT a.ner_skipped, count(*) AS n FROM articles a
              WHERE a.source = s.name AND a.ner_skipped IS NOT NULL GROUP BY 1)) AS no_ner
FROM sources s
ORDER BY s.name;

-- name: run_counts
SELECT (SELECT count(*) FROM articles) AS articles,
       (SELECT count(*) FROM entities) AS entities,
       (SELECT count(*) FROM mentions) AS mentions,
       (SELECT count(*) FROM topic_matches) AS topic_matches,
       (SELECT count(*) FROM seen_items) AS seen_items;

-- name: due_retries
-- Items whose last attempt failed or was blocked and that may be tried again (given sources).
SELECT url_key, url, source, guid, title FROM seen_items
WHERE status IN ('failed', 'blocked') AND attempts < ? AND source IN (SELECT unnest(?::VARCHAR[]))
ORDER BY first_seen;

-- name: sites_of_sources
-- The sites articles of these sources were stored under (where their item URLs redirect to).
SELECT DISTINCT site FROM articles
WHERE source IN (SELECT unnest(?::VARCHAR[])) AND site IS NOT NULL
ORDER BY site;

-- name: site_lines_of
-- Every counted short line of one site (staged for batch workers that may not open the file).
SELECT line_hash, stories, marks FROM site_lines WHERE site = ?;

-- Alerts (alerts/rules.py, alerts/outbox.py).

-- name: alert_first_mentions
-- Per entity of the topic (labels given as a list): its earliest article, unless already alerted.
-- Only original reports count: a copy says nothing new, and a spun copy's garbled names
-- ("Collective Safety Treaty Organization") are not news.
WITH firsts AS (
    SELECT e.entity_id, e.name AS entity, e.label, ae.article_key,
           row_number() OVER (PARTITION BY e.entity_id
                              ORDER BY ae.event_time, ae.article_key) AS n
    FROM topic_matches tm
    JOIN mentions m ON m.article_key = tm.article_key
    JOIN entities e ON e.entity_id = m.entity_id
    JOIN article_events ae ON ae.article_key = tm.article_key
    JOIN articles o ON o.article_key = tm.article_key AND o.copy_of IS NULL
    WHERE tm.topic = ? AND e.label IN (SELECT unnest(?::VARCHAR[]))
)
SELECT f.entity_id, f.entity, f.label, a.article_key, a.story_key, a.title, a.url, a.source,
       a.site, a.published
FROM firsts f
JOIN articles a ON a.article_key = f.article_key
WHERE f.n = 1
  AND NOT EXISTS (
        SELECT 1 FROM alerts al
        WHERE al.topic = ? AND al.rule = 'first_mention'
          AND al.entity = f.entity AND al.label = f.label)
ORDER BY f.entity, f.label;

-- name: alert_watched_mentions
-- Stories of the topic that mention an entity whose lower-cased name is in a list, each at its
-- earliest such article, unless that entity was alerted for that story (copies add nothing).
WITH hits AS (
    SELECT e.entity_id, e.name AS entity, e.label, a.article_key, a.story_key, a.title, a.url,
           a.source, a.site, a.published,
           row_number() OVER (PARTITION BY e.entity_id, a.story_key
                              ORDER BY ae.event_time, a.article_key) AS n
    FROM topic_matches tm
    JOIN mentions m ON m.article_key = tm.article_key
    JOIN entities e ON e.entity_id = m.entity_id
    JOIN articles a ON a.article_key = tm.article_key
    JOIN article_events ae ON ae.article_key = tm.article_key
    WHERE tm.topic = ? AND lower(e.name) IN (SELECT unnest(?::VARCHAR[]))
)
SELECT entity_id, entity, label, article_key, story_key, title, url, source, site, published
FROM hits h
WHERE n = 1
  AND NOT EXISTS (
        SELECT 1 FROM alerts al
        WHERE al.topic = ? AND al.rule = 'watched_entity'
          AND al.entity = h.entity AND al.label = h.label AND al.story_key = h.story_key)
ORDER BY story_key, entity;

-- name: alert_query_candidates
-- Articles of a topic not yet matched against a query rule (topic, topic, query).
SELECT a.article_key, a.story_key, a.title, a.text, a.url, a.source, a.site, a.published
FROM topic_matches tm
JOIN articles a ON a.article_key = tm.article_key
JOIN article_events ae ON ae.article_key = a.article_key
WHERE tm.topic = ?
  AND NOT EXISTS (
        SELECT 1 FROM alert_query_checks c
        WHERE c.topic = ? AND c.query = ? AND c.article_key = a.article_key)
ORDER BY ae.event_time, a.article_key;

-- name: insert_alert_query_check
INSERT INTO alert_query_checks (topic, query, article_key) VALUES (?, ?, ?)
ON CONFLICT (topic, query, article_key) DO NOTHING;

-- name: existing_alerts
SELECT alert_key FROM alerts WHERE alert_key IN (SELECT unnest(?::VARCHAR[]));

-- name: insert_alert
INSERT INTO alerts (alert_key, topic, rule, entity, label, query, article_key, title, url, source,
                    site, published, created_at, story_key, details)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (alert_key) DO NOTHING;

-- name: insert_delivery
INSERT INTO deliveries (alert_key, channel, status, attempts, next_attempt_at)
VALUES (?, ?, 'pending', 0, ?)
ON CONFLICT (alert_key, channel) DO NOTHING;

-- name: due_deliveries
-- Pending deliveries whose time has come, oldest alert first, with their alert.
SELECT d.channel, d.attempts, al.alert_key, al.topic, al.rule, al.entity, al.label, al.query,
       al.article_key, al.title, al.url, al.source, al.site, al.published, al.created_at,
       al.story_key, al.details
FROM deliveries d
JOIN alerts al ON al.alert_key = d.alert_key
WHERE d.status = 'pending' AND d.next_attempt_at <= ?
ORDER BY d.next_attempt_at, al.created_at, al.published NULLS LAST, al.alert_key, d.channel;

-- name: mark_delivery_sent
UPDATE deliveries SET status = 'sent', attempts = attempts + 1, sent_at = ?, last_error = NULL
WHERE alert_key = ? AND channel = ?;

-- name: mark_delivery_failed
-- After a failed attempt: status (pending to retry, failed to stop), attempts, next time, error.
UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?
WHERE alert_key = ? AND channel = ?;

-- name: delivery_counts
SELECT status, count(*) AS deliveries FROM deliveries GROUP BY status ORDER BY status;

-- Polling health and schedule (migration 003; newswatch/pipeline.py decides, these persist).

-- name: source_health
SELECT polls, not_modified, failing_since, interval_minutes, next_poll_at, ttl_minutes,
       validated_since_change, lying_validators
FROM feed_health WHERE name = ?;

-- name: source_arrivals
-- When new items of a source were first seen (to the minute), newest first: (source, limit).
SELECT DISTINCT date_trunc('minute', first_seen) AS arrived FROM seen_items
WHERE source = ?
ORDER BY arrived DESC
LIMIT ?;

-- name: upsert_feed_health_poll
-- After a poll. A failure keeps the start of its streak; a success (failing_since NULL) ends it.
INSERT INTO feed_health AS h (name, polls, not_modified, unconditional_polls, last_polled,
                              last_status, failing_since, interval_minutes, next_poll_at,
                              ttl_minutes, validated_since_change, lying_validators,
                              lying_detected_at)
VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET
    polls = h.polls + 1,
    not_modified = h.not_modified + excluded.not_modified,
    unconditional_polls = h.unconditional_polls + excluded.unconditional_polls,
    last_polled = excluded.last_polled,
    last_status = excluded.last_status,
    failing_since = CASE WHEN excluded.failing_since IS NULL THEN NULL
                         ELSE coalesce(h.failing_since, excluded.failing_since) END,
    interval_minutes = excluded.interval_minutes,
    next_poll_at = excluded.next_poll_at,
    ttl_minutes = coalesce(excluded.ttl_minutes, h.ttl_minutes),
    validated_since_change = excluded.validated_since_change,
    lying_validators = h.lying_validators OR excluded.lying_validators,
    lying_detected_at = coalesce(h.lying_detected_at, excluded.lying_detected_at);

-- name: record_feed_skip
-- A run that left a source alone because it was not due yet.
INSERT INTO feed_health AS h (name, skipped, last_skipped_at) VALUES (?, 1, ?)
ON CONFLICT (name) DO UPDATE SET
    skipped = h.skipped + 1,
    last_skipped_at = excluded.last_skipped_at;

-- name: feed_health_report
-- Per polled source: schedule, counters and new items per day over the 7 days before `now`.
SELECT s.name, s.kind, h.polls, h.not_modified, h.unconditional_polls, h.skipped,
       h.last_status, h.failing_since, h.interval_minutes, h.next_poll_at, h.ttl_minutes,
       coalesce(h.lying_validators, false) AS lying_validators, h.lying_detected_at,
       (SELECT count(*) FROM seen_items i
        WHERE i.source = s.name AND i.first_seen > CAST(? AS TIMESTAMP) - INTERVAL 7 DAY
       ) / 7.0 AS items_per_day
FROM sources s
LEFT JOIN feed_health h ON h.name = s.name
ORDER BY s.name;

-- name: alert_feed_down
-- Enabled sources (given as a list) failing since before a time: one row per failing streak.
SELECT s.name, s.kind, s.location, s.last_error, s.consecutive_failures, h.failing_since
FROM sources s
JOIN feed_health h ON h.name = s.name
WHERE s.consecutive_failures > 0 AND h.failing_since IS NOT NULL AND h.failing_since <= ?
  AND s.name IN (SELECT unnest(?::VARCHAR[]))
ORDER BY s.name;

-- Spike alerts (alerts/rules.py, alerts/spike.py).

-- name: alert_spike_counts
-- Per entity of a topic (labels given as a list) with at least `min_count` stories in the
-- window (window_start, now]: its distinct stories in the window and in the baseline
-- (baseline_start, window_start]. A story counts once, at its earliest article in the topic
-- that mentions the entity, so copies arriving later add nothing and a story is never in both.
-- (topic, labels, baseline_start, window_start, now, min_count)
WITH p AS (
    SELECT CAST(? AS VARCHAR) AS topic, CAST(? AS VARCHAR[]) AS labels,
           CAST(? AS TIMESTAMP) AS baseline_start, CAST(? AS TIMESTAMP) AS window_start,
           CAST(? AS TIMESTAMP) AS now, CAST(? AS INTEGER) AS min_count
),
scoped AS (
    SELECT e.entity_id, e.name AS entity, e.label, ae.story_key, ae.event_time
    FROM p
    JOIN topic_matches tm ON tm.topic = p.topic
    JOIN mentions m ON m.article_key = tm.article_key
    JOIN entities e ON e.entity_id = m.entity_id AND list_contains(p.labels, e.label)
    JOIN article_events ae ON ae.article_key = tm.article_key
),
-- Only entities mentioned in the window can spike: the rest need no history.
active AS (
    SELECT DISTINCT s.entity_id FROM scoped s, p
    WHERE s.event_time > p.window_start AND s.event_time <= p.now
),
firsts AS (
    SELECT s.entity_id, s.entity, s.label, s.story_key, min(s.event_time) AS first_time
    FROM scoped s
    WHERE s.entity_id IN (SELECT entity_id FROM active)
    GROUP BY ALL
)
SELECT f.entity_id, f.entity, f.label,
       count(*) FILTER (WHERE f.first_time > p.window_start) AS observed,
       count(*) FILTER (WHERE f.first_time <= p.window_start) AS baseline
FROM firsts f, p
WHERE f.first_time > p.baseline_start AND f.first_time <= p.now
GROUP BY f.entity_id, f.entity, f.label, p.min_count
HAVING count(*) FILTER (WHERE f.first_time > p.window_start) >= p.min_count
ORDER BY f.entity, f.label;

-- name: alert_spike_stories
-- The stories that drove an entity's spike in a topic: those first seen (as in
-- alert_spike_counts) in the window (window_start, now], newest first, each with its earliest
-- article that mentions the entity (an original rather than a spun copy's garbled title) and
-- how many of its articles mention it. (topic, entity id, window_start, now, limit)
WITH p AS (
    SELECT CAST(? AS VARCHAR) AS topic, CAST(? AS VARCHAR) AS entity_id,
           CAST(? AS TIMESTAMP) AS window_start, CAST(? AS TIMESTAMP) AS now
),
hits AS (
    SELECT ae.story_key, a.article_key, a.title, a.url, a.source, a.site, a.published,
           min(ae.event_time) OVER (PARTITION BY ae.story_key) AS first_time,
           count(*) OVER (PARTITION BY ae.story_key) AS articles,
           row_number() OVER (
               PARTITION BY ae.story_key
               ORDER BY a.copy_kind IS NOT DISTINCT FROM 'rewrite', ae.event_time, a.article_key
           ) AS n
    FROM p
    JOIN topic_matches tm ON tm.topic = p.topic
    JOIN mentions m ON m.article_key = tm.article_key AND m.entity_id = p.entity_id
    JOIN articles a ON a.article_key = tm.article_key
    JOIN article_events ae ON ae.article_key = tm.article_key
    WHERE ae.event_time <= p.now
)
SELECT h.story_key, h.article_key, h.title, h.url, h.source, h.site, h.published, h.first_time,
       h.articles
FROM hits h, p
WHERE h.n = 1 AND h.first_time > p.window_start
ORDER BY h.first_time DESC, h.story_key
LIMIT CAST(? AS INTEGER);

-- name: alert_recent_keys
-- Which of these alert keys were raised after a time (a spike's previous period, still in
-- its window, holds off a new alert for the same burst). (keys, since)
SELECT alert_key FROM alerts
WHERE alert_key IN (SELECT unnest(?::VARCHAR[])) AND created_at > ?;

-- Channel schedules: rate limits, digests, quiet hours (migration 006; alerts/outbox.py).

-- name: digest_deliveries
-- Pending deliveries of one channel whose alert was raised before a time, oldest first, with
-- their alert (channel, before).
SELECT d.channel, d.attempts, d.next_attempt_at, al.*
FROM deliveries d
JOIN alerts al ON al.alert_key = d.alert_key
WHERE d.status = 'pending' AND d.channel = ? AND al.created_at < ?
ORDER BY al.created_at, al.published NULLS LAST, al.alert_key;

-- name: mark_deliveries_sent
-- After a digest went out: every delivery it carried (sent_at, channel, alert keys).
UPDATE deliveries SET status = 'sent', attempts = attempts + 1, sent_at = ?, last_error = NULL
WHERE channel = ? AND status = 'pending' AND alert_key IN (SELECT unnest(?::VARCHAR[]));

-- name: mark_deliveries_failed
-- After a failed digest, every delivery it carried: failed when the error is permanent or the
-- attempts run out, else pending until the next time (permanent, max_attempts, next time,
-- error, channel, alert keys).
UPDATE deliveries SET
    status = CASE WHEN CAST(? AS BOOLEAN) OR attempts + 1 >= ? THEN 'failed' ELSE 'pending' END,
    attempts = attempts + 1,
    next_attempt_at = ?,
    last_error = ?
WHERE channel = ? AND status = 'pending' AND alert_key IN (SELECT unnest(?::VARCHAR[]));

-- name: insert_channel_message
INSERT INTO channel_messages (channel, sent_at, alerts, period_end) VALUES (?, ?, ?, ?);

-- name: channel_messages_since
-- When a channel's messages after a time were sent (channel, since).
SELECT sent_at FROM channel_messages WHERE channel = ? AND sent_at > ? ORDER BY sent_at;

-- name: last_digest_end
SELECT max(period_end) FROM channel_messages WHERE channel = ?;

-- Entities across languages (warehouse/store.py, newswatch/steps.py link_entities).

-- name: links_of
-- The entities these (name, label) pairs were linked to: (names, labels).
SELECT l.name, l.label, l.entity_id
FROM entity_links l
JOIN (SELECT unnest(?::VARCHAR[]) AS name, unnest(?::VARCHAR[]) AS label) p
  ON p.name = l.name AND p.label = l.label;

-- name: insert_links
-- Bulk: (names, labels, entity ids, methods, scores, evidence, time). The first decision stands.
INSERT INTO entity_links (name, label, entity_id, method, score, evidence, linked_at)
SELECT n, l, e, m, s, v, ?
FROM (SELECT unnest(?::VARCHAR[]) AS n, unnest(?::VARCHAR[]) AS l, unnest(?::VARCHAR[]) AS e,
             unnest(?::VARCHAR[]) AS m, unnest(?::DOUBLE[]) AS s, unnest(?::VARCHAR[]) AS v)
ON CONFLICT (name, label) DO NOTHING;

-- name: rename_entity
-- A Cyrillic-only entity takes the Latin-script name it was linked to (entity id, new name).
UPDATE entities SET name = ?2 WHERE entity_id = ?1
  AND NOT EXISTS (SELECT 1 FROM entities e WHERE e.name = ?2 AND e.label = entities.label);

-- name: add_entity_forms
-- Bulk: (entity ids, languages, forms, article counts, time); counts add up per new article.
INSERT INTO entity_forms AS f (entity_id, language, form, articles, first_seen)
SELECT i, g, f, n, ?
FROM (SELECT unnest(?::VARCHAR[]) AS i, unnest(?::VARCHAR[]) AS g, unnest(?::VARCHAR[]) AS f,
             unnest(?::BIGINT[]) AS n)
ON CONFLICT (entity_id, language, form) DO UPDATE SET articles = f.articles + excluded.articles;

-- name: link_candidates
-- Latin-script names of entities with these labels (candidates for Cyrillic names to link to).
SELECT name, label FROM entities
WHERE label IN (SELECT unnest(?::VARCHAR[])) AND NOT regexp_matches(name, '[\x{0400}-\x{04FF}]');

-- name: unlinked_cyrillic
-- Entities of these labels still named only in Cyrillic (a Latin name arriving may link them).
SELECT name, label FROM entities
WHERE label IN (SELECT unnest(?::VARCHAR[])) AND regexp_matches(name, '[\x{0400}-\x{04FF}]');

-- name: entity_links_list
-- Every automatic link with its evidence, for analysts to review.
SELECT l.name, l.label, e.name AS entity, l.method, l.score, l.evidence, l.linked_at
FROM entity_links l JOIN entities e USING (entity_id)
ORDER BY e.name, l.name;

-- name: story_starts
-- When each of these stories was first seen.
SELECT story_key, first_seen FROM stories WHERE story_key IN (SELECT unnest(?::VARCHAR[]));

-- name: merged_already
SELECT merged_key FROM story_merges WHERE merged_key IN (SELECT unnest(?::VARCHAR[]));

-- name: insert_story_merge
INSERT INTO story_merges (merged_key, into_key, article_key, evidence, score, merged_at)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (merged_key) DO NOTHING;

-- name: move_story_articles
-- A merged story's articles join the surviving story (merged key, into key).
UPDATE articles SET story_key = $into WHERE story_key = $merged;

-- name: move_story_alerts
-- Its alerts too: a rule that fired for either story does not fire again for the union.
UPDATE alerts SET story_key = $into WHERE story_key = $merged;

-- name: move_story_merges
-- Earlier merges into the merged story now point at the survivor, so redirects stay one hop.
UPDATE story_merges SET into_key = $into WHERE into_key = $merged;

-- name: drop_story
DELETE FROM stories WHERE story_key = ?;

-- name: alerted_stories
-- Stories of a topic that a rule (and query) already alerted for.
SELECT DISTINCT story_key FROM alerts
WHERE topic = ? AND rule = ? AND coalesce(query, '') = ? AND story_key IS NOT NULL;

-- name: opening_articles
-- Those of these stories' keys whose article is stored and still opens its story.
SELECT article_key FROM articles
WHERE article_key IN (SELECT unnest(?::VARCHAR[])) AND story_key = article_key;

-- name: merged_into
-- The surviving story of each of these keys that was merged away.
SELECT merged_key, into_key FROM story_merges
WHERE merged_key IN (SELECT unnest(?::VARCHAR[]));

-- name: warc_progress
-- (path, window_key): next_offset, status, counts, stored.
SELECT next_offset, status, counts, stored FROM warc_files WHERE path = ? AND window_key = ?;

-- name: save_warc_progress
-- (path, window_key, source, size, next_offset, status, counts, stored, error, now).
INSERT INTO warc_files
    (path, window_key, source, size, next_offset, status, counts, stored, error,
     started_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?10)
ON CONFLICT (path, window_key) DO UPDATE SET
    source = excluded.source, size = excluded.size, next_offset = excluded.next_offset,
    status = excluded.status, counts = excluded.counts, stored = excluded.stored,
    error = excluded.error, updated_at = excluded.updated_at;

-- name: warc_files
-- Every backfilled file, newest activity first.
SELECT path, window_key, source, size, next_offset, status, counts, stored, error,
       started_at, updated_at
FROM warc_files ORDER BY updated_at DESC, path;
