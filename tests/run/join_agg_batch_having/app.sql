CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- aggregates over a timeBatch side's flushes (left side UNIDIRECTIONAL, LEFT
-- OUTER): one row per group per flush, RESET clears the groups; HAVING filters
INSERT INTO Out
SELECT a.k, count() AS n, sum(a.v) AS total
FROM L AS a WINDOW('timeBatch', 100 MILLISECONDS) UNIDIRECTIONAL LEFT OUTER JOIN R AS b WINDOW('length', 5) ON a.k = b.k
GROUP BY a.k
HAVING n >= 1 AND a.k <> 'z';
