-- newswatch warehouse, schema version 2: the alert outbox. All timestamps are UTC.

-- One row per alert event; alert_key is a stable hash of the event, so re-evaluating the
-- rules never raises the same alert twice.
CREATE TABLE alerts (
    alert_key   VARCHAR PRIMARY KEY,
    topic       VARCHAR NOT NULL,
    rule        VARCHAR NOT NULL,                   -- first_mention | watched_entity | query
    entity      VARCHAR,                            -- canonical name (entity rules)
    label       VARCHAR,
    query       VARCHAR,                            -- the rule's query (query rule)
    article_key VARCHAR NOT NULL,
    title       VARCHAR,
    url         VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,
    site        VARCHAR,
    published   TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);

-- One row per alert and channel (by the channel's name): the outbox.
CREATE TABLE deliveries (
    alert_key       VARCHAR NOT NULL,
    channel         VARCHAR NOT NULL,
    status          VARCHAR NOT NULL,               -- pending | sent | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error      VARCHAR,
    sent_at         TIMESTAMP,
    PRIMARY KEY (alert_key, channel)
);

-- Articles a query rule has already been matched against, so each is read only once per rule.
CREATE TABLE alert_query_checks (
    topic       VARCHAR NOT NULL,
    query       VARCHAR NOT NULL,
    article_key VARCHAR NOT NULL,
    PRIMARY KEY (topic, query, article_key)
);
