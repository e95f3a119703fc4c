CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- tumbling(100 ms) GROUP BY sym: one row per group per batch, groups in order of first
-- appearance in that batch; rows of one batch share the boundary timestamp
INSERT INTO Out SELECT sym, sum(v) AS total, count() AS n FROM S
WINDOW('tumbling', 100 MILLISECONDS) GROUP BY sym;
