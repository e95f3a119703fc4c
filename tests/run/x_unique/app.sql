CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- unique(sym) keeps the latest event per sym: a repeated sym expires the held one
-- (EXPIRED before CURRENT, same time); aggregates over the latest per key, NULL v skipped
INSERT ALL EVENTS INTO Rows SELECT sym, v FROM S WINDOW('unique', sym);
INSERT INTO Sums SELECT sym, sum(v) AS total, count() AS n, count(v) AS nv FROM S WINDOW('unique', sym);
