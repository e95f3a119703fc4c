CREATE STREAM S (id INT, v INT, et BIGINT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- externalTime(et, 100 ms): the clock is the attribute et, not the event time; an arrival
-- expires held events with et <= arrival.et - 100 (exactly 100 expires); EXPIRED rows are
-- stamped with the arrival's event time; nothing expires without an arrival (no timer)
INSERT INTO Out SELECT id, count() AS n, sum(v) AS total FROM S WINDOW('externalTime', et, 100 MILLISECONDS);
INSERT ALL EVENTS INTO AllRows SELECT id, et FROM S WINDOW('externalTime', et, 100 MILLISECONDS);
