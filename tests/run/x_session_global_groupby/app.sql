CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- gap-only session with GROUP BY sym: any sym extends the one global session, and
-- the close expires all syms together; aggregates per sym restart with a new session
INSERT INTO Out SELECT sym, count() AS n, sum(v) AS total FROM S WINDOW('session', 100 MILLISECONDS) GROUP BY sym;
INSERT EXPIRED EVENTS INTO Closed SELECT sym, v FROM S WINDOW('session', 100 MILLISECONDS);
