CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- lengthBatch(2) with INSERT ALL EVENTS and no aggregates: each flush emits the
-- previous batch as EXPIRED, then the new batch as CURRENT, all at the flush time
INSERT ALL EVENTS INTO AllRows SELECT id, v FROM S WINDOW('lengthBatch', 2);
INSERT EXPIRED EVENTS INTO ExpRows SELECT id FROM S WINDOW('lengthBatch', 2);
