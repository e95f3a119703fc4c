-- all SET assignments see the row as it was before the update (a swap);
-- unqualified names refer to the table first
CREATE STREAM Seed (a INT, b INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'seed.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Swap (a INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'swap.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Look (a INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'look.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE TABLE Pair (a INT, b INT);
INSERT INTO Pair SELECT a, b FROM Seed;
UPDATE Pair SET a = b, b = a FROM Swap AS w WHERE a = w.a;
INSERT INTO Out SELECT l.a AS probe, p.a, p.b FROM Look AS l LEFT OUTER JOIN Pair AS p ON p.a = l.a;
