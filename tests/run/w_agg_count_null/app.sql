CREATE STREAM S (id INT, x INT, d DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- count() / count(*) count events, count(x) counts non-NULL x; no window (whole history)
INSERT INTO Out SELECT id, count() AS c_all, count(*) AS c_star, count(x) AS c_x,
count(d) AS c_d FROM S;
