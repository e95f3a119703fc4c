CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- HAVING with an aggregate that is not selected, and HAVING on an output alias; rows
-- that fail still update the aggregates
INSERT INTO ByAgg SELECT sym, sum(v) AS total FROM S WINDOW('length', 4) GROUP BY sym
HAVING count() >= 2;
INSERT INTO ByAlias SELECT sym, avg(v) AS mean FROM S GROUP BY sym HAVING mean > 2.5;
