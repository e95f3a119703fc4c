CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
INSERT INTO Pos SELECT s.*, s.v * 2 AS dbl FROM S AS s WHERE s.v > 0;
INSERT INTO Neg SELECT S.id, S.v FROM S WHERE S.v < 0;
INSERT INTO Alias SELECT x.id AS ident, x.v FROM S x WHERE x.v IS NULL OR x.v = 0;
