CREATE STREAM S (id INT, x INT, d DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- minForever/maxForever ignore the RESET of each tumbling batch while min/max restart;
-- per batch one row
INSERT INTO Out SELECT min(x) AS lo, max(x) AS hi, minForever(x) AS lo_ever,
maxForever(x) AS hi_ever FROM S WINDOW('tumbling', 100 MILLISECONDS);
