CREATE STREAM S (i INT, l BIGINT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- integer overflow wraps (two's complement)
INSERT INTO Out
SELECT i + 1 AS inc, i - 1 AS decr, i * 2 AS dbl, i * i AS sq, -i AS neg, i / -1 AS div_m1, i % -1 AS mod_m1,
       l + 1 AS linc, l * l AS lsq, -l AS lneg, i + l AS mixed, i + 1 + l AS ord
FROM S;
