CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- firstUnique(sym) passes only the first event of each sym; later ones are dropped
-- and nothing ever expires; aggregates count the first-seen keys
INSERT ALL EVENTS INTO Rows SELECT sym, v FROM S WINDOW('firstUnique', sym);
INSERT INTO Counts SELECT sym, count() AS n, sum(v) AS total FROM S WINDOW('firstUnique', sym);
