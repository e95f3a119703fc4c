CREATE STREAM S (v INT, code STRING, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
INSERT INTO Out
SELECT v, code,
       CASE WHEN v > 10 THEN 'big' WHEN v > 5 THEN 'mid' ELSE 'small' END AS size,
       CASE WHEN v > 10 THEN 'big' END AS only_big,
       CASE code WHEN 'a' THEN 1 WHEN 'b' THEN 2 ELSE 0 END AS code_n,
       CASE code WHEN 'a' THEN 'A!' END AS code_a,
       CASE WHEN v > 5 THEN v ELSE 0.5 END AS widened,
       CASE WHEN v IS NULL THEN -1 ELSE v * 10 END AS nz,
       CASE WHEN v >= 6 THEN 'first' WHEN v >= 3 THEN 'second' WHEN v >= 0 THEN 'third' END AS first_match
FROM S;
