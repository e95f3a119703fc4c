CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM R (k STRING, w INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'r.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- INSERT EXPIRED EVENTS with length windows: the events pushed out probe the
-- other side
INSERT EXPIRED EVENTS INTO Out
SELECT a.k, a.v, b.w
FROM L AS a WINDOW('length', 2) JOIN R AS b WINDOW('length', 2) ON a.k = b.k;
