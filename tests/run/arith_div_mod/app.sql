CREATE STREAM S (a INT, b INT, l BIGINT, x DOUBLE, y DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- integral division truncates toward zero; % takes the dividend's sign; / or % by zero is NULL
INSERT INTO Out
SELECT a, b, a / b AS q, a % b AS r, l / b AS lq, l % b AS lr, x / y AS xq, x % y AS xr,
       a / y AS ay, x / b AS xb, CAST(a AS DOUBLE) / b AS fq, a / 0 AS z, x / 0 AS xz,
       mod(a, b) AS m, 7 / 2 AS c, 7 / 2.0 AS cd
FROM S;
