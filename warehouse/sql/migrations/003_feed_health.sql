-- newswatch warehouse, schema version 3: per-source polling health and schedule. UTC times.
-- A table next to `sources` (one row per source that was ever polled or skipped), so the
-- existing table and the views over it stay as they are.

CREATE TABLE feed_health (
    name                   VARCHAR PRIMARY KEY,     -- sources.name
    polls                  BIGINT NOT NULL DEFAULT 0,  -- polls made (skips not counted)
    not_modified           BIGINT NOT NULL DEFAULT 0,  -- 304 answers
    unconditional_polls    BIGINT NOT NULL DEFAULT 0,  -- polls sent without validators
    skipped                BIGINT NOT NULL DEFAULT 0,  -- runs that skipped it (not due)
    last_polled            TIMESTAMP,
    last_skipped_at        TIMESTAMP,
    last_status            INTEGER,                 -- HTTP status of the last poll
    failing_since          TIMESTAMP,               -- first failure of the current streak
    interval_minutes       DOUBLE,                  -- wait after the last poll (or backoff)
    next_poll_at           TIMESTAMP,               -- not polled before this unless forced
    ttl_minutes            DOUBLE,                  -- RSS <ttl> of the last body read
    validated_since_change BOOLEAN NOT NULL DEFAULT false, -- a 304 came since the body changed
    lying_validators       BOOLEAN NOT NULL DEFAULT false, -- polled unconditionally from then on
    lying_detected_at      TIMESTAMP
);
