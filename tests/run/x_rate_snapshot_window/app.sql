CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- OUTPUT SNAPSHOT EVERY 100 ms over length(2): at each tick one row per event in the
-- window with the current aggregate, stamped with the tick
INSERT INTO Out SELECT v, sum(v) AS total FROM S WINDOW('length', 2) OUTPUT SNAPSHOT EVERY 100 MILLISECONDS;
