CREATE STREAM S (n INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- many records share a time: file order is kept across chunks and workers
INSERT INTO Out SELECT n, n % 3 AS m FROM S;
INSERT INTO Odd SELECT n FROM S WHERE n % 2 = 1;
