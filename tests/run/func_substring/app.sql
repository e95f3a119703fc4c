CREATE STREAM S (s STRING, p INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- SUBSTRING positions are 1-based
INSERT INTO Out
SELECT s, SUBSTRING(s FROM 2 FOR 3) AS a, SUBSTRING(s FROM 3) AS b, substr(s, 2, 3) AS c,
       substring(s FROM p) AS d, substring(s FROM p FOR 2) AS e, SUBSTRING(s FROM 1 FOR 100) AS f,
       SUBSTRING(s FROM 1 FOR 0) AS g
FROM S;
