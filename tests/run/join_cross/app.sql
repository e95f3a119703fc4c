CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- no ON: a cross join with the other side's window
INSERT INTO Out
SELECT a.k AS lk, a.v, b.k AS rk, b.w
FROM L AS a WINDOW('length', 2) JOIN R AS b WINDOW('length', 2);
