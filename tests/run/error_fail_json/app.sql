CREATE STREAM S (id INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'in.jsonl', 'format' = 'json', 'event.time' = 'ts', 'error.strategy' = 'fail');
INSERT INTO Out SELECT id FROM S;
