CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- timeBatch(100 ms): one row per non-empty batch [k*100,(k+1)*100), stamped with the
-- batch end; an event exactly at a boundary belongs to the next batch; empty batches
-- emit nothing; the open batch flushes at its end when the input ends
INSERT INTO Out SELECT count() AS n, sum(v) AS total, min(v) AS lo FROM S
WINDOW('timeBatch', 100 MILLISECONDS);
