CREATE STREAM S (id INT, v INT, ok BOOL, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- when a time window empties, INSERT EXPIRED EVENTS shows the empty-window values:
-- count 0, sum/avg/min/max/stdDev/first NULL, distinctCount 0, and/or false
INSERT EXPIRED EVENTS INTO Out SELECT id, count() AS n, sum(v) AS s, avg(v) AS a, min(v) AS lo,
max(v) AS hi, stdDev(v) AS sd, distinctCount(v) AS dc, and(ok) AS all_ok, or(ok) AS any_ok,
first(v) AS f FROM S WINDOW('time', 100 MILLISECONDS);
