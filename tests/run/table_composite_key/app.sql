-- PRIMARY KEY (a, b): a duplicate pair is dropped, a probe pins both columns
CREATE STREAM Rows (a STRING, b INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'rows.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Q (a STRING, b INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'q.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE TABLE Pairs (a STRING, b INT, v INT, PRIMARY KEY (a, b));
INSERT INTO Pairs SELECT a, b, v FROM Rows;
INSERT INTO Out SELECT q.a, q.b, p.v FROM Q AS q LEFT OUTER JOIN Pairs AS p ON p.a = q.a AND p.b = q.b;
