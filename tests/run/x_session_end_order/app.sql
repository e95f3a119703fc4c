CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- end of input closes every open session at its own close time; two sessions closing
-- at the same time come out in the order of their first events (b before a)
INSERT EXPIRED EVENTS INTO Closed SELECT sym, v FROM S WINDOW('session', 100 MILLISECONDS, sym);
