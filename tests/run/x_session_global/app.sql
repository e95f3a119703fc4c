CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- session with a gap only: one global session for all syms; an event exactly at
-- last + gap opens a new session; the close emits the session's events as EXPIRED
-- at last + gap; end of input closes the open session
INSERT ALL EVENTS INTO Rows SELECT sym, v FROM S WINDOW('session', 100 MILLISECONDS);
INSERT INTO Counts SELECT sym, count() AS n, sum(v) AS total FROM S WINDOW('session', 100 MILLISECONDS);
