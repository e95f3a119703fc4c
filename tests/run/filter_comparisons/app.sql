-- every comparison operator in WHERE; NULL operands compare false
CREATE STREAM N (id INT, v INT, d DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'n.jsonl', 'format' = 'json', 'event.time' = 'ts');
INSERT INTO Gt SELECT id FROM N WHERE v > 2;
INSERT INTO Ge SELECT id FROM N WHERE v >= 2;
INSERT INTO Lt SELECT id FROM N WHERE v < 2;
INSERT INTO Le SELECT id FROM N WHERE v <= 2;
INSERT INTO Eq SELECT id FROM N WHERE v = 2;
INSERT INTO EqEq SELECT id FROM N WHERE d == 2;
INSERT INTO Ne SELECT id FROM N WHERE v != 2;
INSERT INTO Ne2 SELECT id FROM N WHERE v <> 2;
INSERT INTO Mixed SELECT id FROM N WHERE v < d;
INSERT INTO Lit SELECT id FROM N WHERE 2 < v;
