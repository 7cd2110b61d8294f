-- newswatch warehouse, schema version 6: the messages each alert channel sent, for channels
-- with a rate limit or a digest (alerts/outbox.py). All timestamps are UTC.

-- One row per message: a single alert (alerts = 1) or a digest (alerts = its count). The rows
-- of the last hour give the rate limit; the newest period_end says which digest went last.
CREATE TABLE channel_messages (
    channel    VARCHAR NOT NULL,
    sent_at    TIMESTAMP NOT NULL,
    alerts     INTEGER NOT NULL,
    period_end TIMESTAMP                            -- digests: the end of the period covered
);
