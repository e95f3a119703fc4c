CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- length windows: the oldest event leaves before the arrival probes
INSERT INTO Out
SELECT a.k, a.v, b.w
FROM L AS a WINDOW('length', 1) JOIN R AS b WINDOW('length', 2) ON a.k = b.k;
