CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- the SELECT list decides the column order, whatever the FROM order
INSERT INTO Out
SELECT b.w, b.k AS rk, a.v, b.w + a.v AS s
FROM L AS a WINDOW('time', 100 MILLISECONDS) JOIN R AS b WINDOW('time', 100 MILLISECONDS) ON a.k = b.k;
