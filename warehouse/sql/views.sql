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
       coalesce(least(a.published, a.fetched_at), a.fetched_at) AS event_time,
       a.language
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
       ae.site,
       ae.language
FROM mentions m
JOIN entities e USING (entity_id)
JOIN article_events ae USING (article_key);

-- The entities an analyst means by a name, case-insensitively: those called so, else those a
-- link or a written form ties it to ("Шойгу", "Токаеву" and "Sergei Shoigu" find one entity).
-- SELECT * FROM entities_named('Шойгу')
CREATE OR REPLACE MACRO entities_named(entity_name) AS TABLE
SELECT e.entity_no, e.entity_id, e.name, e.label
FROM entities e
WHERE lower(e.name) = lower(entity_name)
   OR (NOT EXISTS (SELECT 1 FROM entities x WHERE lower(x.name) = lower(entity_name))
       AND (e.entity_id IN (SELECT entity_id FROM entity_links WHERE lower(name) = lower(entity_name))
            OR e.entity_id IN (SELECT entity_id FROM entity_forms WHERE lower(form) = lower(entity_name))));

-- Every way an entity is written, per language, with the link that joined it if one did.
CREATE OR REPLACE VIEW entity_aliases AS
SELECT e.name AS entity, e.label, f.language, f.form, f.articles,
       l.method AS linked_by, l.score AS link_score, l.evidence AS link_evidence
FROM entity_forms f
JOIN entities e USING (entity_id)
LEFT JOIN entity_links l ON l.entity_id = f.entity_id AND l.name = f.form;

-- The views below read the trend tables (migration 007), kept at load: a story counts once,
-- in the hour of the article that opened it, for each entity that article names; copies add
-- articles and mentions but never stories.
CREATE OR REPLACE VIEW entity_numbers AS
SELECT entity_no, entity_id, name AS entity, label,
       first_seen, first_article_key
FROM entities;

CREATE OR REPLACE VIEW entity_daily AS
SELECT e.entity,
       e.label,
       d.day,
       d.mentions::BIGINT AS mentions,
       d.articles::BIGINT AS articles,
       d.stories::BIGINT AS stories
FROM entity_days d
JOIN entity_numbers e USING (entity_no)
WHERE d.topic = '';

CREATE OR REPLACE VIEW topic_entity_daily AS
SELECT d.topic,
       e.entity,
       e.label,
       d.day,
       d.mentions::BIGINT AS mentions,
       d.articles::BIGINT AS articles,
       d.stories::BIGINT AS stories
FROM entity_days d
JOIN entity_numbers e USING (entity_no)
WHERE d.topic <> '';

CREATE OR REPLACE VIEW entity_first_seen AS
SELECT name AS entity,
       label,
       first_seen,
       first_article_key,
       total_articles AS articles,
       total_stories AS stories,
       total_mentions AS mentions
FROM entities
WHERE first_seen IS NOT NULL;

-- "Now" is the newest hour holding an article, so a backfilled archive trends like live data.
-- Counted in stories: twenty copies of one report are one piece of news.
-- Rising entities of one topic ('' or NULL: all topics): stories in the last 24 h against the
-- daily average of the `days` days before, as a table function (the CLI's `newswatch trends`
-- reads it with LIMIT): SELECT * FROM rising_entities_for('csto', 30).
CREATE OR REPLACE MACRO rising_entities_for(topic_name, days) AS TABLE
WITH anchor AS (SELECT max(hour) AS now FROM source_hours),
counts AS (
    SELECT h.entity_no,
           coalesce(sum(h.stories) FILTER (
               WHERE h.hour > anchor.now - INTERVAL 24 HOUR), 0)::BIGINT AS last_24h,
           coalesce(sum(h.stories) FILTER (
               WHERE h.hour <= anchor.now - INTERVAL 24 HOUR), 0)::BIGINT AS before
    FROM entity_hours h, anchor
    WHERE h.topic = coalesce(CAST(topic_name AS VARCHAR), '')
      AND h.hour > anchor.now - INTERVAL 24 HOUR - to_days(CAST(days AS INTEGER))
    GROUP BY h.entity_no
)
SELECT e.entity, e.label, c.last_24h, c.before,
       round((c.last_24h + 1) / (c.before / CAST(days AS DOUBLE) + 1), 2) AS ratio
FROM counts c
JOIN entity_numbers e USING (entity_no)
WHERE c.last_24h > 0
ORDER BY ratio DESC, last_24h DESC, e.entity;

-- The same over all topics and the last week, with the baseline spelt out.
CREATE OR REPLACE VIEW rising_entities AS
SELECT entity,
       label,
       last_24h,
       before AS previous_7d,
       round(before / 7.0, 2) AS baseline_per_day,
       ratio
FROM rising_entities_for(NULL, 7);

-- Pairs of entities named by the same story-opening article, by stories, each pair both ways
-- round. It is every pair ever: for one entity, entity_partners below is far cheaper.
CREATE OR REPLACE VIEW cooccurrence AS
WITH pairs AS (
    SELECT a, b, count(*) AS stories, min(se.hour) AS first_hour, max(se.hour) AS last_hour
    FROM story_entities se, unnest(se.entity_nos) AS ua(a), unnest(se.entity_nos) AS ub(b)
    WHERE a <> b
    GROUP BY a, b
)
SELECT ea.entity AS entity_a,
       ea.label AS label_a,
       eb.entity AS entity_b,
       eb.label AS label_b,
       p.stories,
       p.first_hour,
       p.last_hour
FROM pairs p
JOIN entity_numbers ea ON ea.entity_no = p.a
JOIN entity_numbers eb ON eb.entity_no = p.b;

-- The partners of one entity in the stories of the last `days` days, as a table function:
-- SELECT * FROM entity_partners('Collective Security Treaty Organization', 30), or with
-- `top := 20` for the first 20 (and their ties). Names match
-- case-insensitively, under any label. list_contains on one or two ids is ten times faster
-- than list_has_any on a list, so the usual case (one or two labels) takes that path.
CREATE OR REPLACE MACRO entity_partners(entity_name, days, top := NULL) AS TABLE
WITH ids AS (
    SELECT entity_no FROM entities_named(entity_name)
),
k AS (
    SELECT min(entity_no) AS a, max(entity_no) AS b, count(*) AS n, list(entity_no) AS all_ids
    FROM ids
),
anchor AS (
    SELECT (SELECT max(hour) FROM source_hours) - to_days(CAST(days AS INTEGER)) AS start
),
own AS (
    SELECT se.entity_nos
    FROM story_entities se, k, anchor
    WHERE se.hour > anchor.start
      AND CASE WHEN k.n <= 2
               THEN list_contains(se.entity_nos, k.a) OR list_contains(se.entity_nos, k.b)
               ELSE list_has_any(se.entity_nos, k.all_ids) END
),
pairs AS (
    SELECT partner AS entity_no, count(*) AS stories
    FROM (SELECT unnest(entity_nos) AS partner FROM own)
    WHERE partner NOT IN (SELECT entity_no FROM ids)
    GROUP BY partner
    -- With `top`, only the partners ranked within it (ties kept) are named and sorted.
    QUALIFY top IS NULL OR rank() OVER (ORDER BY stories DESC) <= top
)
SELECT e.entity, e.label, p.stories
FROM pairs p
JOIN entity_numbers e USING (entity_no)
ORDER BY p.stories DESC, e.entity, e.label;

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
