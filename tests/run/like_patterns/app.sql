CREATE STREAM S (id INT, s STRING, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
INSERT INTO Out
SELECT id, s LIKE 'a%' AS starts_a, s LIKE '%c' AS ends_c, s LIKE '%bc%' AS has_bc, s LIKE 'a_c' AS a_any_c,
       s LIKE '___' AS three, s LIKE '%' AS anything, s LIKE '' AS empty, s LIKE 'a\%%' AS a_pct,
       s LIKE '100!%' ESCAPE '!' AS hundred_pct, s LIKE 'a!_c' ESCAPE '!' AS a_us_c, s LIKE 'a.c' AS dot,
       s NOT LIKE 'a%' AS not_a, s LIKE 'A%' AS upper_a, s LIKE '%\%' AS ends_pct
FROM S;
