CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- equality plus another condition: keyed by the equality, filtered by both
INSERT INTO Out
SELECT a.k, a.v, b.w
FROM L AS a WINDOW('time', 100 MILLISECONDS) JOIN R AS b WINDOW('time', 100 MILLISECONDS) ON a.k = b.k AND b.w > a.v * 10;
