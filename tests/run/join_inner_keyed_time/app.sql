CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- inner equi-join of two time windows: exchanged by the key (scales with -w)
INSERT INTO Out
SELECT a.k, a.v, b.w
FROM L AS a WINDOW('time', 100 MILLISECONDS) JOIN R AS b WINDOW('time', 50 MILLISECONDS) ON a.k = b.k;
