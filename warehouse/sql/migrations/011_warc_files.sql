-- Web-archive files read by a backfill (`newswatch backfill`, the newswatch_backfill DAG),
-- one row per file and date window: how far the scan got, so a file half-done when a worker
-- died resumes at the first record not yet loaded, and what the scan saw.
CREATE TABLE warc_files (
    path        VARCHAR NOT NULL,             -- the file; a WACZ member as package!member
    window_key  VARCHAR NOT NULL,             -- "since..until" (ISO dates, empty when open)
    source      VARCHAR NOT NULL,
    size        BIGINT NOT NULL,              -- bytes, when the scan started
    next_offset BIGINT NOT NULL,              -- where the first record not yet loaded starts
    status      VARCHAR NOT NULL,             -- running | done | failed
    counts      JSON NOT NULL,                -- records by what the scan did with them
    stored      INTEGER NOT NULL DEFAULT 0,   -- articles stored from it
    error       VARCHAR,
    started_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (path, window_key)
);
