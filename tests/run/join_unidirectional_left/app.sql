CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- L UNIDIRECTIONAL JOIN R: only left events trigger; right arrivals fill the
-- right window silently
INSERT INTO Out
SELECT a.k, a.v, b.w
FROM L AS a WINDOW('time', 100 MILLISECONDS) UNIDIRECTIONAL JOIN R AS b WINDOW('time', 100 MILLISECONDS) ON a.k = b.k;
