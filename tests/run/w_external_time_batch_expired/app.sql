CREATE STREAM S (id INT, v INT, et BIGINT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- externalTimeBatch(et, 50 ms) with INSERT ALL EVENTS and no aggregates: at each flush
-- the previous batch comes as EXPIRED before the new batch's CURRENT rows
INSERT ALL EVENTS INTO Out SELECT id, et FROM S WINDOW('externalTimeBatch', et, 50 MILLISECONDS);
