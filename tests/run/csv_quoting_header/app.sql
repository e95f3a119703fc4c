-- CSV: header order differs from the schema; quotes, doubled quotes, empty fields (NULL), CRLF
CREATE STREAM S (name STRING, v INT, d DOUBLE, note STRING, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.csv', 'format' = 'csv', 'event.time' = 'ts');
INSERT INTO Out SELECT * FROM S;
INSERT INTO Lens SELECT name, length(note) AS n FROM S WHERE note IS NOT NULL;
