CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- a lengthBatch side probes at its flush (a batch flush); the other side finds
-- its last flushed batch
INSERT INTO Out
SELECT a.k, a.v, b.w
FROM L AS a WINDOW('lengthBatch', 2) JOIN R AS b WINDOW('time', 100 MILLISECONDS) ON a.k = b.k;
