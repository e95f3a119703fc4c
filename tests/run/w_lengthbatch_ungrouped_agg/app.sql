CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- lengthBatch(4) with aggregates and no GROUP BY: one row per flush; non-aggregate
-- columns come from the last event of the batch; the aggregates restart (RESET) each batch
INSERT INTO Out SELECT id, count() AS n, sum(v) AS total, min(v) AS lo, max(v) AS hi
FROM S WINDOW('lengthBatch', 4);
