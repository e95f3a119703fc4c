CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- expression('count() < 2') holds one event: each arrival expires the previous one;
-- EXPIRED rows carry aggregates after the removal
INSERT ALL EVENTS INTO Out SELECT sym, v, count() AS n, sum(v) AS total FROM S WINDOW('expression', 'count() < 2');
