CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- many keys and equal times over two time windows, keyed by the join key; the
-- output must not depend on -w
INSERT INTO Out
SELECT a.k, a.v, b.w
FROM L AS a WINDOW('time', 40 MILLISECONDS) JOIN R AS b WINDOW('time', 25 MILLISECONDS) ON a.k = b.k;
