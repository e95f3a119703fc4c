CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- time(100 ms) GROUP BY sym: each arrival emits its group's running values over the
-- last 100 ms; expiries of other groups change later rows silently
INSERT INTO Out SELECT sym, count() AS n, sum(v) AS total, avg(v) AS mean FROM S
WINDOW('time', 100 MILLISECONDS) GROUP BY sym;
