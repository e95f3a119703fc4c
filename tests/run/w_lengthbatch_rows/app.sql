CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- lengthBatch(3) without aggregates: every event of a full batch is emitted when the
-- 3rd arrives, stamped with its time; the trailing partial batch is never emitted
INSERT INTO Out SELECT id, v FROM S WINDOW('lengthBatch', 3);
