CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- sort(3, v) ascending keeps the 3 smallest; aggregates follow the window (every
-- arrival is smaller than the current maximum, so the arrival is never the one evicted)
INSERT INTO Sums SELECT v, sum(v) AS total, count() AS n, max(v) AS worst FROM S WINDOW('sort', 3, v);
INSERT EXPIRED EVENTS INTO Evicted SELECT id, v, sum(v) AS total FROM S WINDOW('sort', 3, v);
