CREATE STREAM S (id INT, v INT, s STRING, flag BOOL, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- NOT LIKE / NOT BETWEEN / NOT IN with a NULL operand are FALSE (atomic predicates);
-- an explicit NOT (...) negates the operand's result.
INSERT INTO P
SELECT id,
       s LIKE 'a%' AS l, s NOT LIKE 'a%' AS nl, NOT (s LIKE 'a%') AS not_l,
       v BETWEEN 1 AND 3 AS b, v NOT BETWEEN 1 AND 3 AS nb, NOT (v BETWEEN 1 AND 3) AS not_b,
       v IN (1, 2) AS i, v NOT IN (1, 2) AS ni, NOT (v IN (1, 2)) AS not_i, NOT (v NOT IN (1, 2)) AS not_ni,
       flag AS f, NOT flag AS nf, flag AND TRUE AS f_and, flag OR FALSE AS f_or,
       v IS NULL AS v_null, s IS NOT NULL AS s_nn, NOT (v > 2) AS not_gt
FROM S;
INSERT INTO WFlag SELECT id FROM S WHERE flag;
INSERT INTO WNotFlag SELECT id FROM S WHERE NOT flag;
INSERT INTO WNotIn SELECT id FROM S WHERE v NOT IN (1, 2);
INSERT INTO WNotNotIn SELECT id FROM S WHERE NOT (v IN (1, 2));
