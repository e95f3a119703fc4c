CREATE STREAM S (a STRING, b STRING, i INT, l BIGINT, d DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
INSERT INTO Out
SELECT coalesce(a, b, 'none') AS c3, coalesce(a, b) AS c2, coalesce(i, 0) AS ci, coalesce(i, l) AS cil,
       default(i, 5) AS di, ifnull(d, 0) AS dd, default(i, 2.5) AS dw, ifnull(a, '?') AS ia,
       nullif(i, 3) AS ni, nullif(a, 'x') AS na, nullif(d, 0.0) AS nd
FROM S;
