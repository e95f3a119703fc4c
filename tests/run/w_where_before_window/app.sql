CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- WHERE filters before the window: with lengthBatch(2) only matching events fill the
-- batch (a non-matching event takes no slot), and length(2) holds the last 2 matching ones
INSERT INTO Batches SELECT id, v FROM S WINDOW('lengthBatch', 2) WHERE v > 100;
INSERT INTO Slide SELECT id, sum(v) AS total FROM S WINDOW('length', 2) WHERE v > 100;
