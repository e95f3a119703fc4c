CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- FULL OUTER, ALL EVENTS, keyed by the join key, on many keys and equal times
INSERT ALL EVENTS INTO Out
SELECT a.k AS lk, a.v, b.k AS rk, b.w
FROM L AS a WINDOW('time', 30 MILLISECONDS) FULL OUTER JOIN R AS b WINDOW('time', 20 MILLISECONDS) ON a.k = b.k;
