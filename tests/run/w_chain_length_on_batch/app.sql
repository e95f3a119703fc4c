CREATE STREAM S (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- a length(2) window over the output of a tumbling query: each batch row arrives at the
-- batch end and the sliding sum covers the last two batch rows
INSERT INTO PerBatch SELECT sum(v) AS total FROM S WINDOW('tumbling', 100 MILLISECONDS);
INSERT INTO Smooth SELECT total, sum(total) AS two FROM PerBatch WINDOW('length', 2);
