CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- a timeBatch side flushes at each boundary, stamped with it; right events
-- find the last flushed batch until the next boundary
INSERT INTO Out
SELECT a.k, a.v, b.w
FROM L AS a WINDOW('timeBatch', 50 MILLISECONDS) JOIN R AS b WINDOW('length', 4) ON a.k = b.k;
