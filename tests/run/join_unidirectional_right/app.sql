CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- L JOIN R UNIDIRECTIONAL: only right events trigger
INSERT INTO Out
SELECT a.k, a.v, b.w
FROM L AS a WINDOW('length', 3) JOIN R AS b WINDOW('length', 3) UNIDIRECTIONAL ON a.k = b.k;
