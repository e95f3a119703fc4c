CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- session per key with GROUP BY the key: running count/sum per session per key;
-- a's event exactly at last + gap starts a fresh session; NULL v is skipped by sum
INSERT INTO Out SELECT sym, count() AS n, sum(v) AS total FROM S WINDOW('session', 100 MILLISECONDS, sym) GROUP BY sym;
