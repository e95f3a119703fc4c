CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- tumbling(1 SECOND) and timeBatch(2 SECONDS) without aggregates: every event of a
-- batch is emitted at the batch end in arrival order
INSERT INTO Out SELECT id, v FROM S WINDOW('tumbling', 1 SECOND);
INSERT INTO Out2 SELECT id FROM S WINDOW('timeBatch', 2 SECONDS);
