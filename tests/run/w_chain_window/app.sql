CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- windows on streams produced by other queries: a filtered stream feeds a time window,
-- and tumbling rows (stamped with the batch end) feed a second tumbling window, where a
-- row stamped exactly at 200 belongs to the batch [200,400)
INSERT INTO Big SELECT sym, v * 10 AS w FROM S WHERE v > 1;
INSERT INTO Recent SELECT sym, sum(w) AS total FROM Big WINDOW('time', 100 MILLISECONDS);
INSERT INTO PerBatch SELECT sym, count() AS n FROM S WINDOW('tumbling', 100 MILLISECONDS) GROUP BY sym;
INSERT INTO Rollup SELECT count() AS batches, sum(n) AS evs FROM PerBatch
WINDOW('tumbling', 200 MILLISECONDS);
