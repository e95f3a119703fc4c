CREATE STREAM S (id INT, v INT, et BIGINT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- externalTimeBatch(et, 100 ms, 1000): the start argument aligns batches to
-- [1000 + k*100, ...) instead of the first event's et (same input as
-- w_external_time_batch, different batches)
INSERT INTO Out SELECT count() AS n, sum(v) AS total, max(et) AS last_et FROM S
WINDOW('externalTimeBatch', et, 100 MILLISECONDS, 1000);
