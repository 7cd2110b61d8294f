-- newswatch warehouse, schema version 1. All timestamps are UTC.

CREATE TABLE sources (
    name                 VARCHAR PRIMARY KEY,
    kind                 VARCHAR NOT NULL,          -- feed | archive
    location             VARCHAR NOT NULL,          -- URL or folder
    etag                 VARCHAR,
    last_modified        VARCHAR,
    content_hash         VARCHAR,                   -- sha256 of the last feed body read
    last_polled          TIMESTAMP,
    last_success         TIMESTAMP,
    last_error           VARCHAR,
    last_error_at        TIMESTAMP,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    items_seen           BIGINT NOT NULL DEFAULT 0
);

-- Every feed entry ever taken up, keyed by its URL, so that only new ones go on.
CREATE TABLE seen_items (
    url_key      VARCHAR PRIMARY KEY,
    url          VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    guid         VARCHAR,
    title        VARCHAR,
    first_seen   TIMESTAMP NOT NULL,
    last_attempt TIMESTAMP,
    status       VARCHAR NOT NULL,                  -- stored | offtopic | rejected | failed
    attempts     INTEGER NOT NULL DEFAULT 0,
    reason       VARCHAR,
    article_key  VARCHAR
);

CREATE TABLE articles (
    article_key   VARCHAR PRIMARY KEY,              -- sha256(canonical_url), 16 bytes hex
    url           VARCHAR NOT NULL,
    canonical_url VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    site          VARCHAR,
    title         VARCHAR,
    text          VARCHAR NOT NULL,
    published     TIMESTAMP,
    fetched_at    TIMESTAMP NOT NULL,
    language      VARCHAR,
    content_hash  VARCHAR NOT NULL,
    words         INTEGER NOT NULL,
    run_id        VARCHAR
);

CREATE TABLE topic_matches (
    article_key VARCHAR NOT NULL,
    topic       VARCHAR NOT NULL,
    terms       VARCHAR[] NOT NULL,
    PRIMARY KEY (article_key, topic)
);

CREATE TABLE entities (
    entity_id VARCHAR PRIMARY KEY,                  -- sha256(label || name), 8 bytes hex
    name      VARCHAR NOT NULL,
    label     VARCHAR NOT NULL,
    UNIQUE (name, label)
);

CREATE TABLE mentions (
    article_key VARCHAR NOT NULL,
    entity_id   VARCHAR NOT NULL,
    count       INTEGER NOT NULL,
    PRIMARY KEY (article_key, entity_id)
);

CREATE TABLE runs (
    run_id         VARCHAR PRIMARY KEY,
    started_at     TIMESTAMP NOT NULL,
    finished_at    TIMESTAMP,
    status         VARCHAR NOT NULL,                -- running | completed | failed
    sources_polled INTEGER NOT NULL DEFAULT 0,
    feed_errors    INTEGER NOT NULL DEFAULT 0,
    entries_seen   INTEGER NOT NULL DEFAULT 0,
    new_items      INTEGER NOT NULL DEFAULT 0,
    fetched        INTEGER NOT NULL DEFAULT 0,
    failed         INTEGER NOT NULL DEFAULT 0,
    rejected       INTEGER NOT NULL DEFAULT 0,
    offtopic       INTEGER NOT NULL DEFAULT 0,
    stored         INTEGER NOT NULL DEFAULT 0,
    mentions       INTEGER NOT NULL DEFAULT 0,
    new_entities   INTEGER NOT NULL DEFAULT 0,
    seconds        DOUBLE,
    error          VARCHAR
);

-- The latest failure per URL (page or feed) and stage; resolved_at is set once it succeeds.
CREATE TABLE fetch_errors (
    url_key     VARCHAR NOT NULL,
    stage       VARCHAR NOT NULL,                   -- feed | fetch | clean
    url         VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL,
    status_code INTEGER,
    retryable   BOOLEAN NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 1,
    first_at    TIMESTAMP NOT NULL,
    last_at     TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    run_id      VARCHAR,
    PRIMARY KEY (url_key, stage)
);

-- How many articles of a site carry a given short line: template text shows up in many.
CREATE TABLE site_lines (
    site      VARCHAR NOT NULL,
    line_hash VARCHAR NOT NULL,
    articles  INTEGER NOT NULL,
    sample    VARCHAR NOT NULL,
    PRIMARY KEY (site, line_hash)
);
