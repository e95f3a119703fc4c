CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- OUTPUT SNAPSHOT EVERY 100 ms without a window: at every tick the last row per group
-- (or the last row), also when nothing changed; one final snapshot after the input
INSERT INTO Counts SELECT sym, count() AS n FROM S GROUP BY sym OUTPUT SNAPSHOT EVERY 100 MILLISECONDS;
INSERT INTO LastRow SELECT sym, v FROM S OUTPUT SNAPSHOT EVERY 100 MILLISECONDS;
