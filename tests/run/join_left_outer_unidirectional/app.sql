CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- LEFT OUTER with the left side UNIDIRECTIONAL: every left event gives a row
-- (matched or NULL-padded), right events none
INSERT INTO Out
SELECT a.k AS lk, a.v, b.k AS rk, b.w
FROM L AS a WINDOW('time', 100 MILLISECONDS) UNIDIRECTIONAL LEFT OUTER JOIN R AS b WINDOW('length', 2) ON a.k = b.k;
