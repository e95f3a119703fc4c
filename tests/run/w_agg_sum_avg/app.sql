CREATE STREAM S (id INT, x INT, d DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- sum(INT) is LONG, sum(DOUBLE) and avg are DOUBLE; NULLs are skipped; over only NULLs
-- sum and avg are NULL; length(3) removals
INSERT INTO Out SELECT id, sum(x) AS sx, sum(d) AS sd, avg(x) AS ax, avg(d) AS ad
FROM S WINDOW('length', 3);
