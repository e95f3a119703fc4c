CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- time windows: an event stamped exactly at an expiry no longer finds the
-- expired event (e.time + t is out of the window)
INSERT INTO Out
SELECT a.k, a.v, b.w
FROM L AS a WINDOW('time', 50 MILLISECONDS) JOIN R AS b WINDOW('time', 30 MILLISECONDS) ON a.k = b.k;
