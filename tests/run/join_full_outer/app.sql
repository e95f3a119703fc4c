CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- FULL OUTER: unmatched probes from either side are NULL-padded
INSERT INTO Out
SELECT a.k AS lk, a.v, b.k AS rk, b.w
FROM L AS a WINDOW('length', 2) FULL OUTER JOIN R AS b WINDOW('time', 60 MILLISECONDS) ON a.k = b.k;
