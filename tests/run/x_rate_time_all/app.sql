CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- OUTPUT ALL EVERY 100 ms in event time: rows are buffered and emitted at the next
-- multiple of 100, stamped with it; a row exactly at a tick waits for the following
-- tick; empty periods emit nothing; end of input flushes at the next tick
INSERT INTO Out SELECT sym, v FROM S OUTPUT ALL EVERY 100 MILLISECONDS;
INSERT INTO Counts SELECT count() AS n FROM S OUTPUT EVERY 100 MILLISECONDS;
