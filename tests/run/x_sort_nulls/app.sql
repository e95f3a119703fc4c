CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- sort(2, v) ascending with NULL keys: NULLs rank last (a NULL arrival into a full
-- window is evicted at once; a NULL held is evicted first); ties by arrival
INSERT ALL EVENTS INTO Out SELECT id, v FROM S WINDOW('sort', 2, v);
