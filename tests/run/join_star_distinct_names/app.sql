CREATE STREAM P (pk INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'p.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Q (qk BIGINT, qv STRING, qts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'q.jsonl', 'format' = 'json', 'event.time' = 'qts');
-- SELECT *: the left side's attributes, then the right side's
INSERT INTO Out
SELECT *
FROM P WINDOW('length', 2) JOIN Q WINDOW('length', 2) ON P.pk = Q.qk;
