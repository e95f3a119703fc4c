CREATE STREAM L (k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'l.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- self-join: each event goes to the left side first, then the right side, so
-- it meets itself only through the right side's probe
INSERT INTO Out
SELECT a.k, a.v AS av, b.v AS bv
FROM L AS a WINDOW('length', 2) JOIN L AS b WINDOW('length', 2) ON a.k = b.k;
