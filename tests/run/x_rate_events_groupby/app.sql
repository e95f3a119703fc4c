CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- OUTPUT LAST EVERY 4 EVENTS with GROUP BY: events are counted globally; at every 4th
-- the last row of each group seen in that period is emitted, stamped with the 4th event
INSERT INTO Out SELECT sym, sum(v) AS total, count() AS n FROM S GROUP BY sym OUTPUT LAST EVERY 4 EVENTS;
