CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- ALL EVENTS with aggregates over a keyed session: the close is a batch flush, so it
-- gives one EXPIRED row per group, evaluated after removing the session's events
INSERT ALL EVENTS INTO Out SELECT sym, count() AS n, sum(v) AS total FROM S WINDOW('session', 100 MILLISECONDS, sym) GROUP BY sym;
