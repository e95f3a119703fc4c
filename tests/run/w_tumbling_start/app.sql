CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- tumbling(100 ms, 30): batches are [30+k*100, 130+k*100), so rows are stamped 130,
-- 230, ...; an event at 130 opens the next batch
INSERT INTO Out SELECT count() AS n, sum(v) AS total FROM S WINDOW('tumbling', 100 MILLISECONDS, 30);
