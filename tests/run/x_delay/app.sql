CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- delay(50 ms): nothing on arrival; each event is released as CURRENT at ts + 50,
-- never expired; equal times release in file order; end of input releases the rest
INSERT ALL EVENTS INTO Out SELECT sym, v FROM S WINDOW('delay', 50 MILLISECONDS);
