CREATE STREAM S (id INT, i INT, l BIGINT, d DOUBLE, s STRING, b BOOL, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
INSERT INTO Out
SELECT id, i IS NULL AS i_n, l IS NULL AS l_n, d IS NULL AS d_n, s IS NULL AS s_n, b IS NULL AS b_n,
       i IS NOT NULL AS i_nn, s IS NOT NULL AS s_nn, i + l IS NULL AS sum_n, NOT (s IS NULL) AS not_s_n
FROM S;
INSERT INTO W SELECT id FROM S WHERE s IS NOT NULL AND d IS NULL OR b IS NULL AND i IS NOT NULL;
