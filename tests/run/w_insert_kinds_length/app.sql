CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- INSERT CURRENT / EXPIRED / ALL EVENTS on the same length(2) window with count()
INSERT CURRENT EVENTS INTO Cur SELECT id, count() AS n FROM S WINDOW('length', 2);
INSERT EXPIRED EVENTS INTO Exp SELECT id, count() AS n FROM S WINDOW('length', 2);
INSERT ALL EVENTS INTO AllRows SELECT id, count() AS n FROM S WINDOW('length', 2);
