-- an INT probe against a BIGINT key matches after widening; a NULL probe key
-- matches nothing
CREATE STREAM Rows (id BIGINT, name STRING, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'rows.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Q (id INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'q.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE TABLE Names (id BIGINT PRIMARY KEY, name STRING);
INSERT INTO Names SELECT id, name FROM Rows;
INSERT INTO Out SELECT q.id, n.name FROM Q AS q LEFT OUTER JOIN Names AS n ON n.id = q.id;
