CREATE STREAM S (id INT, price DOUBLE, name STRING, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'bad.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- default error strategy: skip, count and log each bad record with its line
INSERT INTO Out SELECT id, price, name FROM S;
