CREATE STREAM T (sym STRING, price DOUBLE, qty BIGINT, ok BOOL, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 't.jsonl', 'format' = 'json', 'event.time' = 'ts');
INSERT INTO Copy SELECT * FROM T;
