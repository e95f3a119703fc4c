CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- length(3): one row per arrival over the last 3 events (sum, count, avg);
-- the oldest leaves when the 4th arrives; equal timestamps keep file order
INSERT INTO Out SELECT id, sum(v) AS total, count() AS n, avg(v) AS mean
FROM S WINDOW('length', 3);
