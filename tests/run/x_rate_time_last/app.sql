CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- OUTPUT LAST EVERY 100 ms: at each tick the latest row of the period (per group with
-- GROUP BY), stamped with the tick; end of input emits at the next tick
INSERT INTO Out SELECT sym, v FROM S OUTPUT LAST EVERY 100 MILLISECONDS;
INSERT INTO BySym SELECT sym, count() AS n, sum(v) AS total FROM S GROUP BY sym OUTPUT LAST EVERY 100 MILLISECONDS;
