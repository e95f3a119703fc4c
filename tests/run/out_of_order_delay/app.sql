CREATE STREAM S (n INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts', 'watermark.delay' = '50 ms');
-- out-of-order input within the watermark delay comes out exactly in time order
INSERT INTO Out SELECT n, ts FROM S;
