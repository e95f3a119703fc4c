CREATE STREAM S (i INT, j INT, l BIGINT, d DOUBLE, f FLOAT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- result type = higher numeric rank (INT < LONG < FLOAT < DOUBLE); integer literals are INT
INSERT INTO Out
SELECT i + j AS ii, i + l AS il, i * d AS id, l - d AS ld, i + 1 AS i1, i + 1.5 AS i15,
       l * 2 AS l2, i - j AS imj, -i AS neg_i, -d AS neg_d, i * 3000000000 AS big,
       f + 1 AS f1, f * d AS fd, i + j * 2 AS prec, (i + j) * 2 AS paren, d + d + 0.2 AS dd,
       i * j AS prod
FROM S;
