CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- LEFT OUTER: an unmatched left probe gives a row with NULL right columns; an
-- unmatched right probe gives nothing
INSERT INTO Out
SELECT a.k AS lk, a.v, b.k AS rk, b.w
FROM L AS a WINDOW('time', 100 MILLISECONDS) LEFT OUTER JOIN R AS b WINDOW('time', 50 MILLISECONDS) ON a.k = b.k;
