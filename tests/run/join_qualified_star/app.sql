CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- b.*, a.v: the right side's attributes first, then one of the left side's
INSERT INTO Out
SELECT b.*, a.v
FROM L AS a WINDOW('length', 2) JOIN R AS b WINDOW('length', 2) ON a.k = b.k;
