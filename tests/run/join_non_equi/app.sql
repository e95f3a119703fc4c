CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- ON without an equality between the sides (a.v * 10 < b.w): runs on one
-- worker
INSERT INTO Out
SELECT a.k AS lk, a.v, b.k AS rk, b.w
FROM L AS a WINDOW('time', 60 MILLISECONDS) JOIN R AS b WINDOW('time', 60 MILLISECONDS) ON a.v * 10 < b.w;
