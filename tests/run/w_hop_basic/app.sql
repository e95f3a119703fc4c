CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- hop(100 ms, 50 ms): windows [k*50, k*50+100) each close at their end as a batch flush
-- stamped with the end; every event is in two windows; windows with no events emit
-- nothing; at end of input the open windows flush at their own ends in time order
INSERT INTO Out SELECT count() AS n, sum(v) AS total FROM S WINDOW('hop', 100 MILLISECONDS, 50 MILLISECONDS);
