CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- session per key (sym): each key's session closes at its own last + gap, stamped
-- with the close time; EXPIRED rows only; end of input closes the open sessions
INSERT EXPIRED EVENTS INTO Closed SELECT sym, v FROM S WINDOW('session', 100 MILLISECONDS, sym);
