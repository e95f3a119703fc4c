CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- OUTPUT FIRST EVERY 100 ms: the first row of each aligned period [100k, 100k+100) is
-- emitted at once with its own time (per group with GROUP BY)
INSERT INTO Out SELECT sym, v FROM S OUTPUT FIRST EVERY 100 MILLISECONDS;
INSERT INTO BySym SELECT sym, count() AS n FROM S GROUP BY sym OUTPUT FIRST EVERY 100 MILLISECONDS;
