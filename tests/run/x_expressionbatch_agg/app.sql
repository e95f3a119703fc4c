CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- expressionBatch('count() <= 3'): the 4th arrival flushes the 3 held events, stamped
-- with its time, and starts the next batch; one row per flush (per group); a pending
-- batch is not emitted at end of input
INSERT INTO Out SELECT count() AS n, sum(v) AS total, max(v) AS top FROM S WINDOW('expressionBatch', 'count() <= 3');
INSERT INTO BySym SELECT sym, count() AS n, sum(v) AS total FROM S WINDOW('expressionBatch', 'count() <= 3') GROUP BY sym;
