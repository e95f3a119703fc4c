CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- frequent(2, sym), Misra-Gries with 2 counters: a new key decrements all counters,
-- a key reaching 0 is EXPIRED (stamped with the arrival) and the newcomer takes its
-- place; if none reaches 0 the newcomer is dropped (f)
INSERT ALL EVENTS INTO Out SELECT sym, v FROM S WINDOW('frequent', 2, sym);
