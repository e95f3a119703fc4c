CREATE STREAM S (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- two queries read one stream
INSERT INTO Evens SELECT k, v FROM S WHERE v % 2 = 0;
INSERT INTO Doubled SELECT k, v * 2 AS v2 FROM S WHERE k != 'c';
