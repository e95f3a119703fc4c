CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- a side without a window keeps nothing: left events probe the right time
-- window, right events find nothing on the left
INSERT INTO Out
SELECT a.k, a.v, b.w
FROM L AS a JOIN R AS b WINDOW('time', 100 MILLISECONDS) ON a.k = b.k;
