CREATE STREAM A (id STRING, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'a.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Merged (src STRING, id STRING, seen BIGINT);
CREATE STREAM B (id STRING, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'b.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- equal times: A (declared first) before B, whatever the query order
INSERT INTO Merged SELECT 'B', id, ts FROM B;
INSERT INTO Merged SELECT 'A', id, ts FROM A;
