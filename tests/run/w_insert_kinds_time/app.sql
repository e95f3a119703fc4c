CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- INSERT CURRENT / EXPIRED / ALL EVENTS on the same time(30 ms) window with sum();
-- expiries are stamped ts+30 and precede arrivals at the same time
INSERT INTO Cur SELECT id, sum(v) AS total FROM S WINDOW('time', 30 MILLISECONDS);
INSERT EXPIRED EVENTS INTO Exp SELECT id, sum(v) AS total FROM S WINDOW('time', 30 MILLISECONDS);
INSERT ALL EVENTS INTO AllRows SELECT id, sum(v) AS total FROM S WINDOW('time', 30 MILLISECONDS);
