CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- aggregates over a delay window: one row per release, stamped ts + 100; released
-- events are never removed, so count and sum run over everything released so far
INSERT INTO Out SELECT sym, count() AS n, sum(v) AS total FROM S WINDOW('delay', 100 MILLISECONDS);
