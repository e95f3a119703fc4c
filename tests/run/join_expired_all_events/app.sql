CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- INSERT ALL EVENTS: expired events probe too and give EXPIRED joined rows
-- stamped with the expiry time
INSERT ALL EVENTS INTO Out
SELECT a.k, a.v, b.w
FROM L AS a WINDOW('time', 50 MILLISECONDS) JOIN R AS b WINDOW('time', 70 MILLISECONDS) ON a.k = b.k;
