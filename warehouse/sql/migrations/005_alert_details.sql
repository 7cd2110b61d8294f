-- newswatch warehouse, schema version 5: alert details. All timestamps are UTC.
-- JSON text (a list of objects) that a rule attaches to its alert and that must survive until
-- delivery, which reads alerts back from this table: a spike alert's driving stories. NULL for
-- rules that have none. VARCHAR rather than JSON so no DuckDB extension is needed to read it.

ALTER TABLE alerts ADD COLUMN details VARCHAR;
