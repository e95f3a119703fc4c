CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- time(50 ms) with INSERT EXPIRED EVENTS: each event comes back at ts+50 with the count
-- after its removal; expiries at the end of input still fire
INSERT EXPIRED EVENTS INTO Out SELECT id, count() AS n, sum(v) AS total
FROM S WINDOW('time', 50 MILLISECONDS);
