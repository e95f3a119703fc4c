CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- allowedLatency: membership still ends at last + gap (a at 150 opens a new session)
-- but the close (EXPIRED) is emitted at last + gap + latency
INSERT ALL EVENTS INTO Out SELECT sym, v FROM S WINDOW('session', 100 MILLISECONDS, sym, 30 MILLISECONDS);
