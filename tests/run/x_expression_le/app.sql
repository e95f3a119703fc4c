CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- expression('count() <= 3') behaves like length(3): the oldest expires at the
-- arrival that would make count() 4, stamped with that arrival, before its CURRENT
INSERT ALL EVENTS INTO Rows SELECT v FROM S WINDOW('expression', 'count() <= 3');
INSERT INTO Sums SELECT v, sum(v) AS total FROM S WINDOW('expression', 'count() <= 3');
