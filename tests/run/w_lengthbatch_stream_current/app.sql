CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- lengthBatch(3, true) (streamCurrent): every event is emitted on arrival with the
-- running aggregate; the aggregate restarts after each full batch of 3
INSERT INTO Out SELECT id, sum(v) AS total, count() AS n FROM S WINDOW('lengthBatch', 3, true);
