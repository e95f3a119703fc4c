CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- timeLength(1 s, 3): an event expires at ts + 1000 (timer, before an event at that
-- time) or, stamped with the arrival, when a 4th event arrives; end of input expires the rest
INSERT ALL EVENTS INTO Out SELECT v FROM S WINDOW('timeLength', 1 SECOND, 3);
INSERT INTO Counts SELECT v, count() AS n, sum(v) AS total FROM S WINDOW('timeLength', 1 SECOND, 3);
