CREATE STREAM P (pk INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'p.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Q (qk BIGINT, qv STRING, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'q.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- an INT key joined with a BIGINT key: compared after widening, exchanged by
-- equal hashes
INSERT INTO Out
SELECT p.pk, q.qv
FROM P AS p WINDOW('time', 100 MILLISECONDS) JOIN Q AS q WINDOW('time', 100 MILLISECONDS) ON p.pk = q.qk;
