CREATE STREAM S (id INT, x INT, d DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- distinctCount and population stdDev over length(4), with removals and a NULL
INSERT INTO Out SELECT id, distinctCount(x) AS dc, stdDev(x) AS sx, stdDev(d) AS sdd
FROM S WINDOW('length', 4);
