CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- ORDER BY / LIMIT / OFFSET apply per batch flush: top 2 groups by total (DESC) per
-- tumbling batch (the tie b=d=7 at the cut keeps chunk order: b), and groups 2-3 by
-- name (ASC, OFFSET 1 LIMIT 2) per lengthBatch
INSERT INTO Top2 SELECT sym, sum(v) AS total FROM S WINDOW('tumbling', 100 MILLISECONDS)
GROUP BY sym ORDER BY total DESC LIMIT 2;
INSERT INTO Mid SELECT sym, count() AS n FROM S WINDOW('lengthBatch', 5) GROUP BY sym
ORDER BY sym ASC LIMIT 2 OFFSET 1;
