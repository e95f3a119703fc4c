CREATE STREAM S (id INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- a stateless query produces only current rows
INSERT EXPIRED EVENTS INTO Exp SELECT id FROM S;
INSERT ALL EVENTS INTO AllRows SELECT id FROM S;
INSERT CURRENT EVENTS INTO Cur SELECT id FROM S WHERE id > 2;
