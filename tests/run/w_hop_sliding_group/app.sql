CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- sliding(150 ms, 50 ms) GROUP BY sym: three overlapping windows per event; each
-- closing window emits one row per group, in first-appearance order within the window
INSERT INTO Out SELECT sym, count() AS n, sum(v) AS total FROM S
WINDOW('sliding', 150 MILLISECONDS, 50 MILLISECONDS) GROUP BY sym;
