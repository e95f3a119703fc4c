CREATE STREAM S (id INT, v INT, d DOUBLE, s STRING, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- BETWEEN is inclusive at both ends
INSERT INTO Out
SELECT id, v BETWEEN 2 AND 4 AS b24, v NOT BETWEEN 2 AND 4 AS nb24, d BETWEEN 1.5 AND 2.5 AS bd,
       v BETWEEN 4 AND 2 AS reversed, s BETWEEN 'b' AND 'd' AS bs, v BETWEEN 1 + 1 AND 2 * 2 AS bexpr,
       v BETWEEN d AND 5 AS mixed
FROM S;
INSERT INTO W SELECT id FROM S WHERE v BETWEEN 2 AND 3 OR d NOT BETWEEN -2 AND 2.5;
