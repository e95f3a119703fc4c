CREATE STREAM S (id INT, v INT, et BIGINT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- externalTimeBatch(et, 100 ms): batches [first.et + k*100, ...); a batch flushes when an
-- event with et >= its end arrives (that event opens the next batch), stamped with that
-- event's time; skipped (empty) batches emit nothing; the last partial batch is dropped
INSERT INTO Out SELECT count() AS n, sum(v) AS total, max(et) AS last_et FROM S
WINDOW('externalTimeBatch', et, 100 MILLISECONDS);
