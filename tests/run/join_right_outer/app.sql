CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- RIGHT OUTER: unmatched right probes are NULL-padded on the left
INSERT INTO Out
SELECT a.k AS lk, a.v, b.k AS rk, b.w
FROM L AS a WINDOW('time', 100 MILLISECONDS) RIGHT OUTER JOIN R AS b WINDOW('length', 3) ON a.k = b.k;
