CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- window names match ignoring case and underscores: 'LENGTH', 'Length_Batch',
-- 'TimeBatch', 'time_batch', 'TUMBLING', 'External_Time'
INSERT INTO L SELECT id, count() AS n FROM S WINDOW('LENGTH', 2);
INSERT INTO LB SELECT id, count() AS n FROM S WINDOW('Length_Batch', 2);
INSERT INTO TB1 SELECT count() AS n FROM S WINDOW('TimeBatch', 100 MILLISECONDS);
INSERT INTO TB2 SELECT count() AS n FROM S WINDOW('time_batch', 100 MILLISECONDS);
INSERT INTO TB3 SELECT count() AS n FROM S WINDOW('TUMBLING', 100 MILLISECONDS);
INSERT INTO ET SELECT id, count() AS n FROM S WINDOW('External_Time', ts, 100 MILLISECONDS);
