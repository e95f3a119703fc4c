-- --input overrides the WITH 'file.path'
CREATE STREAM S (id INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'decoy.jsonl', 'format' = 'json', 'event.time' = 'ts');
INSERT INTO Out SELECT id FROM S;
