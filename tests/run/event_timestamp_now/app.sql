CREATE STREAM S (id INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- eventTimestamp() and (deterministic) now() are the event time; a chained query sees the same time
INSERT INTO T1 SELECT id, eventTimestamp() AS et, now() AS n, now() - ts AS diff FROM S;
INSERT INTO T2 SELECT id, eventTimestamp() AS et2, et = eventTimestamp() AS same FROM T1;
