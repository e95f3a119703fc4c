CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- inner equi-join: a time window on the left, a length window on the right
-- (global placement: a length window needs the whole stream)
INSERT INTO Out
SELECT a.k, a.v, b.w
FROM L AS a WINDOW('time', 100 MILLISECONDS) JOIN R AS b WINDOW('length', 2) ON a.k = b.k;
