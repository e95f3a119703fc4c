CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- tumbling(100 ms) INSERT EXPIRED EVENTS without aggregates: a batch comes back as
-- EXPIRED at the next boundary, also when that next batch is empty and after the end of
-- the input
INSERT EXPIRED EVENTS INTO Exp SELECT id, v FROM S WINDOW('tumbling', 100 MILLISECONDS);
INSERT ALL EVENTS INTO AllRows SELECT id, v FROM S WINDOW('tumbling', 100 MILLISECONDS);
