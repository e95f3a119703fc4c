CREATE STREAM S (id INT, v INT, d DOUBLE, s STRING, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
INSERT INTO Out
SELECT id, v IN (1, 3, 5) AS odd, v NOT IN (1, 3) AS not13, d IN (1, 2.5) AS dd, v IN (2.0, 7) AS vd,
       s IN ('a', 'b', '') AS sab, s NOT IN ('a') AS nsa, v IN (id, id + 1) AS expr_list, v IN (4) AS one
FROM S;
INSERT INTO W SELECT id FROM S WHERE s IN ('c', 'A') OR v IN (0);
