CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- expressionBatch('count() < 3') without aggregates, ALL EVENTS: a flush emits the
-- previous batch as EXPIRED, then the batch as CURRENT, all stamped with the trigger
INSERT ALL EVENTS INTO Out SELECT sym, v FROM S WINDOW('expressionBatch', 'count() < 3');
