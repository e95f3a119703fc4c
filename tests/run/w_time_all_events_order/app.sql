CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- time(100 ms) INSERT ALL EVENTS without aggregates: at equal times the expiry
-- (timer) rows come before the arrival rows; EXPIRED rows stamped ts+100
INSERT ALL EVENTS INTO Out SELECT id, v FROM S WINDOW('time', 100 MILLISECONDS);
