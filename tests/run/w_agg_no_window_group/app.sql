CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- aggregates with no window run over the whole history per group; each arrival emits
-- its own group's row; NULL keys form one group; a NULL value is counted by count()
-- but skipped by sum/max
INSERT INTO Out SELECT sym, count() AS n, sum(v) AS total, max(v) AS hi FROM S GROUP BY sym;
