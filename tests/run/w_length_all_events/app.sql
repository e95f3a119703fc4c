CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- length(2) with INSERT ALL EVENTS: the pushed-out event's EXPIRED row comes first,
-- stamped with the arrival time, non-aggregate columns from the expired event
INSERT ALL EVENTS INTO AllRows SELECT id, v, sum(v) AS total FROM S WINDOW('length', 2);
INSERT EXPIRED EVENTS INTO ExpRows SELECT id, v, sum(v) AS total FROM S WINDOW('length', 2);
