CREATE STREAM S (n INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- no delay: a record behind its partition's watermark is late and dropped
INSERT INTO Out SELECT n, ts FROM S;
