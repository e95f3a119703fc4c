CREATE STREAM S (s STRING, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
INSERT INTO Out SELECT s, concat('[', s, ']') AS wrapped, 'it''s' AS lit, s = 'café ☃' AS snowman FROM S;
