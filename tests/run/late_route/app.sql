CREATE STREAM S (id STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.csv', 'format' = 'csv', 'event.time' = 'ts', 'watermark.delay' = '5', 'late.events' = 'stream:Late');
CREATE STREAM Late (id STRING, v INT, ts BIGINT, lateBy BIGINT);
-- late records (behind max time seen - 5 in their partition) go to Late with lateBy;
-- they are stamped with the watermark at the time they were read
INSERT INTO Out SELECT id, v FROM S;
INSERT INTO LateReport SELECT id, lateBy, eventTimestamp() AS wm, ts FROM Late WHERE lateBy > 1;
