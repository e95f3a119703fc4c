CREATE STREAM S (id INT, name STRING, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- sort(2, name) on strings compares case-insensitively (byte order would differ);
-- 'apple' and 'APPLE' tie and rank by arrival
INSERT ALL EVENTS INTO Out SELECT id, name FROM S WINDOW('sort', 2, name);
