CREATE STREAM S (region STRING, sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- GROUP BY two keys, one written qualified (s.region) with a stream alias; tumbling
-- batch; one row per (region, sym) pair in first-appearance order
INSERT INTO Out SELECT s.region, sym, count() AS n, sum(s.v) AS total FROM S AS s
WINDOW('tumbling', 100 MILLISECONDS) GROUP BY s.region, sym;
