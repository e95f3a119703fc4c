CREATE STREAM S (id INT, v INT, l BIGINT, d DOUBLE, s STRING, b BOOLEAN, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- comparisons as values: never NULL, FALSE when an operand is NULL
INSERT INTO Out
SELECT id, v > 1 AS gt, v >= 2 AS ge, v < 2 AS lt, v <= 2 AS le, v = 2 AS eq, v != 2 AS ne,
       v = l AS int_long, l > d AS long_double, v = d AS int_double,
       s < 'abd' AS s_lt, s >= 'a' AS s_ge, s = 'abc' AS s_eq, s <> 'abc' AS s_ne,
       b = TRUE AS b_true, b != FALSE AS b_nf
FROM S;
