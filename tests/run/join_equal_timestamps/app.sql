CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- equal times on both sides: records in (time, key) order, the left stream
-- (declared first) before the right one at the same time
INSERT INTO Out
SELECT a.k, a.v, b.w
FROM L AS a WINDOW('length', 3) JOIN R AS b WINDOW('length', 3) ON a.k = b.k;
