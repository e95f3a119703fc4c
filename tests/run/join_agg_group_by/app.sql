CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- count() and sum() per key over joined rows: the left side keeps nothing, so
-- expiries of the right side never find a partner and aggregates only grow
INSERT INTO Out
SELECT a.k, count() AS n, sum(b.w) AS total
FROM L AS a JOIN R AS b WINDOW('time', 100 MILLISECONDS) ON a.k = b.k
GROUP BY a.k;
