CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- time(100 ms): one row per arrival over (ts-100, ts]; an event arriving exactly 100 ms
-- after another no longer sees it (the expiry timer fires first)
INSERT INTO Out SELECT id, sum(v) AS total, count() AS n FROM S WINDOW('time', 100 MILLISECONDS);
