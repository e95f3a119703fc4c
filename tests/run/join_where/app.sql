CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- WHERE filters joined rows before the selector
INSERT INTO Out
SELECT a.k, a.v, b.w
FROM L AS a WINDOW('time', 100 MILLISECONDS) JOIN R AS b WINDOW('time', 100 MILLISECONDS) ON a.k = b.k
WHERE a.v + b.w > 30 AND b.k <> 'y';
