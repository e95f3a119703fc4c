CREATE STREAM S (x INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- Mid is created implicitly by the query below; reading it first is fine (two-pass planning)
INSERT INTO Final SELECT y, y * y AS sq FROM Mid WHERE y > 0;
INSERT INTO Mid SELECT x - 1 AS y FROM S;
-- no INSERT INTO: the target is OutputStream
SELECT x, x > 5 AS big FROM S;
